# What the submodule creates: one endpoint per entry of var.endpoints that is switched on.

locals {
  # An entry is created when the module is, and the entry's own create is not false.
  endpoints = { for key, entry in var.endpoints : key => entry if var.create && try(entry.create, true) }

  # The submodule's own security group joins the module-wide ones.
  own_security_group = var.create_security_group ? [aws_security_group.this[0].id] : []
}

# The service name comes from the region's endpoint service unless the entry gives it outright.
data "aws_vpc_endpoint_service" "this" {
  for_each = local.endpoints

  service      = try(each.value.service, null)
  service_name = try(each.value.service_name, null)
}

resource "aws_vpc_endpoint" "this" {
  for_each = local.endpoints

  vpc_id       = var.vpc_id
  service_name = try(each.value.service_endpoint, data.aws_vpc_endpoint_service.this[each.key].service_name)
  # Interface unless the entry says otherwise (the provider's own default is Gateway).
  vpc_endpoint_type = try(each.value.service_type, "Interface")

  # Subnets, security groups and private DNS belong to Interface endpoints, route tables to
  # Gateway endpoints; the module passes null for the other type.
  security_group_ids  = try(each.value.service_type, "Interface") == "Interface" ? distinct(concat(var.security_group_ids, local.own_security_group, try(each.value.security_group_ids, []))) : null
  subnet_ids          = try(each.value.service_type, "Interface") == "Interface" ? distinct(concat(var.subnet_ids, try(each.value.subnet_ids, []))) : null
  route_table_ids     = try(each.value.service_type, "Interface") == "Gateway" ? try(each.value.route_table_ids, null) : null
  private_dns_enabled = try(each.value.service_type, "Interface") == "Interface" ? try(each.value.private_dns_enabled, null) : null

  policy         = try(each.value.policy, null)
  service_region = try(each.value.service_region, null)
}

resource "aws_security_group" "this" {
  count = var.create && var.create_security_group ? 1 : 0

  vpc_id = var.vpc_id
}
