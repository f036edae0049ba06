<?php
namespace Acme\Shop;

class Auth
{
    const MAILGUN_KEY = "key-1472c5ec4e68cce575905fa1ae542d27";
    const TWILIO_AUTH_TOKEN = "a37fe0c4ed234f7e13fe577dca4d318a";

    public static function hash($password)
    {
        return md5($password);
    }

    public static function hashGood($password)
    {
        return password_hash($password, PASSWORD_ARGON2ID);
    }

    public static function etag($body)
    {
        return md5($body);
    }

    public static function resetToken()
    {
        $resetToken = md5(uniqid(mt_rand(), true));
        return $resetToken;
    }

    public static function encrypt($data, $key, $iv)
    {
        return openssl_encrypt($data, "des-ede3-cbc", $key, 0, $iv);
    }

    public static function fetch($url)
    {
        $ch = curl_init($url);
        curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
        return curl_exec($ch);
    }
}
