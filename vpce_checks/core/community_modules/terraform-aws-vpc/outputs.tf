# The outputs other modules and resources read. An output not declared here is unknown.

output "vpc_id" {
  value = try(aws_vpc.this[0].id, null)
}

output "vpc_arn" {
  value = try(aws_vpc.this[0].arn, null)
}

output "vpc_cidr_block" {
  value = try(aws_vpc.this[0].cidr_block, null)
}

output "vpc_owner_id" {
  value = try(aws_vpc.this[0].owner_id, null)
}

output "default_route_table_id" {
  value = try(aws_vpc.this[0].default_route_table_id, null)
}

output "vpc_main_route_table_id" {
  value = try(aws_vpc.this[0].main_route_table_id, null)
}

output "default_security_group_id" {
  value = try(aws_vpc.this[0].default_security_group_id, null)
}

output "vpc_enable_dns_support" {
  value = try(aws_vpc.this[0].enable_dns_support, null)
}

output "vpc_enable_dns_hostnames" {
  value = try(aws_vpc.this[0].enable_dns_hostnames, null)
}

output "azs" {
  value = var.azs
}

output "name" {
  value = var.name
}

output "public_subnets" {
  value = aws_subnet.public[*].id
}

output "public_subnet_arns" {
  value = aws_subnet.public[*].arn
}

output "public_subnets_cidr_blocks" {
  value = compact(aws_subnet.public[*].cidr_block)
}

output "private_subnets" {
  value = aws_subnet.private[*].id
}

output "private_subnet_arns" {
  value = aws_subnet.private[*].arn
}

output "private_subnets_cidr_blocks" {
  value = compact(aws_subnet.private[*].cidr_block)
}

output "database_subnets" {
  value = aws_subnet.database[*].id
}

output "database_subnet_arns" {
  value = aws_subnet.database[*].arn
}

output "database_subnets_cidr_blocks" {
  value = compact(aws_subnet.database[*].cidr_block)
}

output "intra_subnets" {
  value = aws_subnet.intra[*].id
}

output "intra_subnet_arns" {
  value = aws_subnet.intra[*].arn
}

output "intra_subnets_cidr_blocks" {
  value = compact(aws_subnet.intra[*].cidr_block)
}

output "elasticache_subnets" {
  value = aws_subnet.elasticache[*].id
}

output "redshift_subnets" {
  value = aws_subnet.redshift[*].id
}

output "public_route_table_ids" {
  value = aws_route_table.public[*].id
}

output "private_route_table_ids" {
  value = aws_route_table.private[*].id
}

output "database_route_table_ids" {
  # The private route tables when the database subnets have none of their own.
  value = length(aws_route_table.database) > 0 ? aws_route_table.database[*].id : aws_route_table.private[*].id
}

output "intra_route_table_ids" {
  value = aws_route_table.intra[*].id
}

output "public_route_table_association_ids" {
  value = aws_route_table_association.public[*].id
}

output "private_route_table_association_ids" {
  value = aws_route_table_association.private[*].id
}

output "database_route_table_association_ids" {
  value = aws_route_table_association.database[*].id
}

output "intra_route_table_association_ids" {
  value = aws_route_table_association.intra[*].id
}

output "public_internet_gateway_route_id" {
  value = try(aws_route.public_internet_gateway[0].id, null)
}

output "private_nat_gateway_route_ids" {
  value = aws_route.private_nat_gateway[*].id
}

output "database_internet_gateway_route_id" {
  value = try(aws_route.database_internet_gateway[0].id, null)
}

output "database_nat_gateway_route_ids" {
  value = aws_route.database_nat_gateway[*].id
}

output "igw_id" {
  value = try(aws_internet_gateway.this[0].id, null)
}

output "igw_arn" {
  value = try(aws_internet_gateway.this[0].arn, null)
}

output "nat_ids" {
  value = aws_eip.nat[*].id
}

output "nat_public_ips" {
  value = var.reuse_nat_ips ? var.external_nat_ips : aws_eip.nat[*].public_ip
}

output "natgw_ids" {
  value = aws_nat_gateway.this[*].id
}

output "default_vpc_id" {
  value = try(aws_default_vpc.this[0].id, null)
}
