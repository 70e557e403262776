# The inputs of terraform-aws-modules/vpc/aws//modules/vpc-endpoints that the model reads, with the
# module's defaults. Inputs it ignores are listed in model.json (inert_inputs); any other input a
# caller sets is not modelled, and the module is then treated as partly unknown.

variable "create" {
  type    = bool
  default = true
}

variable "vpc_id" {
  type    = string
  default = null
}

variable "endpoints" {
  description = "Map of endpoint entries: service or service_name or service_endpoint, service_type, subnet_ids, security_group_ids, route_table_ids, private_dns_enabled, policy, service_region, create."
  type        = any
  default     = {}
}

variable "security_group_ids" {
  type    = list(string)
  default = []
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "create_security_group" {
  type    = bool
  default = false
}
