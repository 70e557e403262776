# The inputs of terraform-aws-modules/vpc/aws that the model reads, with the module's defaults.
# Defaults that changed between releases are given by release in model.json (input_defaults), and
# so are the module's changed behaviours (the model_* variables, which no caller can set). Inputs
# that change nothing the model describes are listed in model.json (inert_inputs); any other input
# a caller sets is not modelled, and the module is then treated as partly unknown.

variable "create_vpc" {
  type    = bool
  default = true
}

variable "putin_khuylo" {
  description = "Since 3.13.0 the VPC is created only when this is true as well."
  type        = bool
  default     = true
}

variable "name" {
  type    = string
  default = ""
}

variable "cidr" {
  description = "Default by release: model.json."
  type        = string
}

variable "azs" {
  description = "AZ names (eu-west-1a) or AZ IDs (euw1-az1); subnet i of each kind is placed in azs[i]."
  type        = list(string)
  default     = []
}

variable "enable_dns_hostnames" {
  description = "Default by release: model.json (false before 4.0.0, true since)."
  type        = bool
}

variable "enable_dns_support" {
  description = "Default by release: model.json."
  type        = bool
}

# Subnets: one per CIDR (or IPv6 prefix) of each kind.

variable "public_subnets" {
  type    = list(string)
  default = []
}

variable "public_subnet_ipv6_prefixes" {
  type    = list(string)
  default = []
}

variable "private_subnets" {
  type    = list(string)
  default = []
}

variable "private_subnet_ipv6_prefixes" {
  type    = list(string)
  default = []
}

variable "database_subnets" {
  type    = list(string)
  default = []
}

variable "database_subnet_ipv6_prefixes" {
  type    = list(string)
  default = []
}

variable "intra_subnets" {
  type    = list(string)
  default = []
}

variable "intra_subnet_ipv6_prefixes" {
  type    = list(string)
  default = []
}

variable "elasticache_subnets" {
  type    = list(string)
  default = []
}

variable "elasticache_subnet_ipv6_prefixes" {
  type    = list(string)
  default = []
}

variable "redshift_subnets" {
  type    = list(string)
  default = []
}

variable "redshift_subnet_ipv6_prefixes" {
  type    = list(string)
  default = []
}

# Route tables.

variable "create_multiple_public_route_tables" {
  description = "Since 5.8.0: one public route table per public subnet."
  type        = bool
  default     = false
}

variable "create_multiple_intra_route_tables" {
  description = "Since 5.8.0: one intra route table per intra subnet."
  type        = bool
  default     = false
}

variable "create_database_subnet_route_table" {
  type    = bool
  default = false
}

variable "create_database_internet_gateway_route" {
  type    = bool
  default = false
}

variable "create_database_nat_gateway_route" {
  type    = bool
  default = false
}

variable "manage_default_route_table" {
  description = "Default by release: model.json (false before 4.0.0, true since)."
  type        = bool
}

variable "default_route_table_routes" {
  type    = list(map(string))
  default = []
}

# Internet and NAT gateways.

variable "create_igw" {
  type    = bool
  default = true
}

variable "enable_nat_gateway" {
  type    = bool
  default = false
}

variable "single_nat_gateway" {
  type    = bool
  default = false
}

variable "one_nat_gateway_per_az" {
  type    = bool
  default = false
}

variable "nat_gateway_destination_cidr_block" {
  description = "Since 3.12.0."
  type        = string
  default     = "0.0.0.0/0"
}

variable "create_private_nat_gateway_route" {
  description = "Since 5.15.0."
  type        = bool
  default     = true
}

variable "reuse_nat_ips" {
  type    = bool
  default = false
}

variable "external_nat_ip_ids" {
  type    = list(string)
  default = []
}

variable "external_nat_ips" {
  type    = list(string)
  default = []
}

# The default VPC of the region, adopted when asked.

variable "manage_default_vpc" {
  type    = bool
  default = false
}

variable "default_vpc_enable_dns_support" {
  description = "Default by release: model.json."
  type        = bool
}

variable "default_vpc_enable_dns_hostnames" {
  description = "Default by release: model.json."
  type        = bool
}

# Behaviours that changed between releases (values by release in model.json; not inputs).

variable "model_nat_counts_private_subnets" {
  description = "Whether private subnets count towards the number of NAT gateways (all but 4.0.0)."
  type        = bool
}

variable "model_nat_counts_public_subnets" {
  description = "Whether public subnets count towards the number of NAT gateways (since 4.0.0)."
  type        = bool
}

variable "model_nat_counts_intra_subnets" {
  description = "Whether intra subnets count towards the number of NAT gateways (4.0.0 to 5.1.1)."
  type        = bool
}

variable "model_private_route_tables_without_private_subnets" {
  description = "Whether private route tables are made when there are no private subnets (3.x)."
  type        = bool
}

variable "model_igw_route_in_every_public_route_table" {
  description = "Whether every public route table gets the internet gateway route (since 5.11.0)."
  type        = bool
}
