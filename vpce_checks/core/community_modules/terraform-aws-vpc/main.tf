# What terraform-aws-modules/vpc/aws creates, as far as the rules read it: the VPC, its subnets
# per AZ, their route tables and associations, the internet gateway, the NAT gateways and the
# routes to them, the default route table and (when asked) the default VPC. Addresses are the
# module's own, so findings name module.<call>.aws_vpc.this[0] and the like.

locals {
  create_vpc = var.create_vpc && var.putin_khuylo
  vpc_id     = try(aws_vpc.this[0].id, null)

  # Subnets of each kind: one per CIDR, or per IPv6 prefix when there are more of those.
  len_public_subnets      = max(length(var.public_subnets), length(var.public_subnet_ipv6_prefixes))
  len_private_subnets     = max(length(var.private_subnets), length(var.private_subnet_ipv6_prefixes))
  len_database_subnets    = max(length(var.database_subnets), length(var.database_subnet_ipv6_prefixes))
  len_intra_subnets       = max(length(var.intra_subnets), length(var.intra_subnet_ipv6_prefixes))
  len_elasticache_subnets = max(length(var.elasticache_subnets), length(var.elasticache_subnet_ipv6_prefixes))
  len_redshift_subnets    = max(length(var.redshift_subnets), length(var.redshift_subnet_ipv6_prefixes))

  # An AZ name starts with the region's two-letter prefix and a dash (us-east-1a); an AZ ID does not
  # (use1-az1). A subnet gets availability_zone or availability_zone_id accordingly.
  az_is_name = [for zone in var.azs : length(split("-", zone)[0]) == 2]

  create_public_subnets   = local.create_vpc && local.len_public_subnets > 0
  create_private_subnets  = local.create_vpc && local.len_private_subnets > 0
  create_database_subnets = local.create_vpc && local.len_database_subnets > 0
  create_intra_subnets    = local.create_vpc && local.len_intra_subnets > 0

  # Without single_nat_gateway or one_nat_gateway_per_az there is one NAT gateway (and one private
  # route table) per subnet index: as many as the longest of the subnet kinds that count. Database,
  # elasticache and redshift subnets count in every release; which others count changed (the
  # model_nat_counts_* behaviours). A kind no longer than what already counts changes nothing, so
  # the count is known whenever the admitted releases agree on it.
  counted_in_every_release = max(local.len_database_subnets, local.len_elasticache_subnets, local.len_redshift_subnets)
  counted_with_private = (local.len_private_subnets <= local.counted_in_every_release ? local.counted_in_every_release
    : var.model_nat_counts_private_subnets ? local.len_private_subnets : local.counted_in_every_release)
  counted_with_public = (local.len_public_subnets <= local.counted_with_private ? local.counted_with_private
    : var.model_nat_counts_public_subnets ? local.len_public_subnets : local.counted_with_private)
  max_subnet_length = (local.len_intra_subnets <= local.counted_with_public ? local.counted_with_public
    : var.model_nat_counts_intra_subnets ? local.len_intra_subnets : local.counted_with_public)

  nat_gateway_count = var.single_nat_gateway ? 1 : var.one_nat_gateway_per_az ? length(var.azs) : local.max_subnet_length
  nat_gateway_ips   = var.reuse_nat_ips ? var.external_nat_ip_ids : aws_eip.nat[*].id

  num_public_route_tables   = var.create_multiple_public_route_tables ? local.len_public_subnets : 1
  num_intra_route_tables    = var.create_multiple_intra_route_tables ? local.len_intra_subnets : 1
  num_database_route_tables = var.single_nat_gateway || var.create_database_internet_gateway_route ? 1 : local.len_database_subnets
  create_database_route_table = local.create_database_subnets && var.create_database_subnet_route_table
  create_private_route_tables = local.create_vpc && (local.len_private_subnets > 0 || var.model_private_route_tables_without_private_subnets)
}

resource "aws_vpc" "this" {
  count = local.create_vpc ? 1 : 0

  cidr_block           = var.cidr
  enable_dns_hostnames = var.enable_dns_hostnames
  enable_dns_support   = var.enable_dns_support
}

# Subnet i of every kind lies in azs[i], given as an AZ name or an AZ ID (see az_is_name).

resource "aws_subnet" "public" {
  # With one_nat_gateway_per_az, every AZ needs a public subnet for its NAT gateway.
  count = local.create_public_subnets && (!var.one_nat_gateway_per_az || local.len_public_subnets >= length(var.azs)) ? local.len_public_subnets : 0

  vpc_id               = local.vpc_id
  cidr_block           = element(concat(var.public_subnets, [""]), count.index)
  availability_zone    = element(local.az_is_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id = element(local.az_is_name, count.index) ? null : element(var.azs, count.index)
}

resource "aws_subnet" "private" {
  count = local.create_private_subnets ? local.len_private_subnets : 0

  vpc_id               = local.vpc_id
  cidr_block           = element(concat(var.private_subnets, [""]), count.index)
  availability_zone    = element(local.az_is_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id = element(local.az_is_name, count.index) ? null : element(var.azs, count.index)
}

resource "aws_subnet" "database" {
  count = local.create_database_subnets ? local.len_database_subnets : 0

  vpc_id               = local.vpc_id
  cidr_block           = element(concat(var.database_subnets, [""]), count.index)
  availability_zone    = element(local.az_is_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id = element(local.az_is_name, count.index) ? null : element(var.azs, count.index)
}

resource "aws_subnet" "intra" {
  count = local.create_intra_subnets ? local.len_intra_subnets : 0

  vpc_id               = local.vpc_id
  cidr_block           = element(concat(var.intra_subnets, [""]), count.index)
  availability_zone    = element(local.az_is_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id = element(local.az_is_name, count.index) ? null : element(var.azs, count.index)
}

resource "aws_subnet" "elasticache" {
  count = local.create_vpc && local.len_elasticache_subnets > 0 ? local.len_elasticache_subnets : 0

  vpc_id               = local.vpc_id
  cidr_block           = element(concat(var.elasticache_subnets, [""]), count.index)
  availability_zone    = element(local.az_is_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id = element(local.az_is_name, count.index) ? null : element(var.azs, count.index)
}

resource "aws_subnet" "redshift" {
  count = local.create_vpc && local.len_redshift_subnets > 0 ? local.len_redshift_subnets : 0

  vpc_id               = local.vpc_id
  cidr_block           = element(concat(var.redshift_subnets, [""]), count.index)
  availability_zone    = element(local.az_is_name, count.index) ? element(var.azs, count.index) : null
  availability_zone_id = element(local.az_is_name, count.index) ? null : element(var.azs, count.index)
}

# Public subnets route 0.0.0.0/0 to the internet gateway.

resource "aws_internet_gateway" "this" {
  count = local.create_public_subnets && var.create_igw ? 1 : 0

  vpc_id = local.vpc_id
}

resource "aws_route_table" "public" {
  count = local.create_public_subnets ? local.num_public_route_tables : 0

  vpc_id = local.vpc_id
}

resource "aws_route_table_association" "public" {
  count = local.create_public_subnets ? local.len_public_subnets : 0

  subnet_id      = element(aws_subnet.public[*].id, count.index)
  route_table_id = element(aws_route_table.public[*].id, var.create_multiple_public_route_tables ? count.index : 0)
}

resource "aws_route" "public_internet_gateway" {
  # Before 5.11.0 only the first public route table got the route.
  count = (local.create_public_subnets && var.create_igw
    ? (local.num_public_route_tables == 1 ? 1 : var.model_igw_route_in_every_public_route_table ? local.num_public_route_tables : 1)
  : 0)

  route_table_id         = aws_route_table.public[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

# Private subnets: one route table per NAT gateway (a single one with single_nat_gateway), each with
# its default route to its NAT gateway, which sits in the public subnet of the same index.

resource "aws_route_table" "private" {
  count = local.create_private_route_tables && local.max_subnet_length > 0 ? local.nat_gateway_count : 0

  vpc_id = local.vpc_id
}

resource "aws_route_table_association" "private" {
  count = local.create_private_subnets ? local.len_private_subnets : 0

  subnet_id      = element(aws_subnet.private[*].id, count.index)
  route_table_id = element(aws_route_table.private[*].id, var.single_nat_gateway ? 0 : count.index)
}

resource "aws_eip" "nat" {
  count = local.create_vpc && var.enable_nat_gateway && !var.reuse_nat_ips ? local.nat_gateway_count : 0
}

resource "aws_nat_gateway" "this" {
  count = local.create_vpc && var.enable_nat_gateway ? local.nat_gateway_count : 0

  allocation_id = element(local.nat_gateway_ips, var.single_nat_gateway ? 0 : count.index)
  subnet_id     = element(aws_subnet.public[*].id, var.single_nat_gateway ? 0 : count.index)
}

resource "aws_route" "private_nat_gateway" {
  count = local.create_vpc && var.enable_nat_gateway && var.create_private_nat_gateway_route ? local.nat_gateway_count : 0

  route_table_id         = element(aws_route_table.private[*].id, count.index)
  destination_cidr_block = var.nat_gateway_destination_cidr_block
  nat_gateway_id         = element(aws_nat_gateway.this[*].id, count.index)
}

# Database subnets use the private route tables unless they get their own.

resource "aws_route_table" "database" {
  count = local.create_database_route_table ? local.num_database_route_tables : 0

  vpc_id = local.vpc_id
}

resource "aws_route_table_association" "database" {
  count = local.create_database_subnets ? local.len_database_subnets : 0

  subnet_id = element(aws_subnet.database[*].id, count.index)
  route_table_id = element(
    length(aws_route_table.database) > 0 ? aws_route_table.database[*].id : aws_route_table.private[*].id,
    var.create_database_subnet_route_table && local.num_database_route_tables == 1 ? 0 : count.index,
  )
}

resource "aws_route" "database_internet_gateway" {
  count = local.create_database_route_table && var.create_igw && var.create_database_internet_gateway_route && !var.create_database_nat_gateway_route ? 1 : 0

  route_table_id         = aws_route_table.database[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route" "database_nat_gateway" {
  count = (local.create_database_route_table && !var.create_database_internet_gateway_route &&
    var.create_database_nat_gateway_route && var.enable_nat_gateway
  ? (var.single_nat_gateway ? 1 : local.len_database_subnets) : 0)

  route_table_id         = element(aws_route_table.database[*].id, count.index)
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = element(aws_nat_gateway.this[*].id, count.index)
}

# Intra subnets have no route out of the VPC.

resource "aws_route_table" "intra" {
  count = local.create_intra_subnets ? local.num_intra_route_tables : 0

  vpc_id = local.vpc_id
}

resource "aws_route_table_association" "intra" {
  count = local.create_intra_subnets ? local.len_intra_subnets : 0

  subnet_id      = element(aws_subnet.intra[*].id, count.index)
  route_table_id = element(aws_route_table.intra[*].id, var.create_multiple_intra_route_tables ? count.index : 0)
}

# The VPC's main route table, with the routes the caller gives it.

resource "aws_default_route_table" "default" {
  count = local.create_vpc && var.manage_default_route_table ? 1 : 0

  default_route_table_id = aws_vpc.this[0].default_route_table_id

  dynamic "route" {
    for_each = var.default_route_table_routes
    content {
      cidr_block                = route.value.cidr_block
      ipv6_cidr_block           = lookup(route.value, "ipv6_cidr_block", null)
      egress_only_gateway_id    = lookup(route.value, "egress_only_gateway_id", null)
      gateway_id                = lookup(route.value, "gateway_id", null)
      nat_gateway_id            = lookup(route.value, "nat_gateway_id", null)
      network_interface_id      = lookup(route.value, "network_interface_id", null)
      transit_gateway_id        = lookup(route.value, "transit_gateway_id", null)
      vpc_endpoint_id           = lookup(route.value, "vpc_endpoint_id", null)
      vpc_peering_connection_id = lookup(route.value, "vpc_peering_connection_id", null)
    }
  }
}

resource "aws_default_vpc" "this" {
  count = var.manage_default_vpc ? 1 : 0

  enable_dns_support   = var.default_vpc_enable_dns_support
  enable_dns_hostnames = var.default_vpc_enable_dns_hostnames
}
