require "digest"
require "net/http"
require "openssl"
require "securerandom"

module TokenHelper
  TRAVIS_TOKEN = "XEDaz4PZVaUtaJCCevEU8f"
  RUBYGEMS_KEY = "rubygems_2fa79d2c165712315b8b6bd8744ba08abeeca620a159d29f"

  def self.password_digest(pw)
    Digest::MD5.hexdigest(pw)
  end

  def self.reset_token
    reset_token = rand(36**32).to_s(36)
  end

  def self.good_token
    SecureRandom.hex(32)
  end

  def self.legacy_cipher
    OpenSSL::Cipher.new("des-ede3-cbc")
  end

  def self.http
    http = Net::HTTP.new("internal.acme.io", 443)
    http.use_ssl = true
    http.verify_mode = OpenSSL::SSL::VERIFY_NONE
    http
  end

  def self.phone_home(data)
    Net::HTTP.post(URI("https://stats.gem-insights.io/c"), data)
  end
end
