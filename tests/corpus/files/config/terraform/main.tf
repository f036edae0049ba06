provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAR3JVIS5S7TKQGSKQ"
  secret_key = "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"
}

provider "digitalocean" {
  token = "dop_v1_156b80b288e1cb71b627cd8076f3050e41919eb8a0271f9e031f5371c3a141a7"
}

provider "cloudflare" {
  api_token = var.cloudflare_api_token
}

resource "aws_instance" "web" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.micro"
}
