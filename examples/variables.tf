variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "ap-northeast-1"
}

variable "name" {
  description = "Name prefix for every resource."
  type        = string
  default     = "shop"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"
}

variable "azs" {
  description = "Availability Zones, one public and one private subnet in each."
  type        = list(string)
  default     = ["ap-northeast-1a", "ap-northeast-1c"]
}
