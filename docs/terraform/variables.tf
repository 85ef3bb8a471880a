# The Terraform recipes of docs/gateway-setup.md. The docs module's build parses these files with
# HashiCorp's HCL parser (@cdktf/hcl2json) and checks their header mappings.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "aws_region" {
  type    = string
  default = "eu-west-3"
}

variable "backend_url" {
  type    = string
  default = "https://orders.internal.example.com"
}

provider "aws" {
  region = var.aws_region
}
