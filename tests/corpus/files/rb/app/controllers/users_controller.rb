class UsersController < ApplicationController
  def index
    @users = User.where("email = '#{params[:email]}'")
    @safe = User.where(email: params[:email])
  end

  def export
    system("tar czf /tmp/export.tgz #{params[:dir]}")
    send_file File.join(Rails.root, "exports", params[:name])
  end

  def calc
    render plain: eval(params[:expr]).to_s
  end
end
