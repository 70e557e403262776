output "endpoints" {
  description = "The endpoints created, by key of var.endpoints."
  value       = aws_vpc_endpoint.this
}

output "security_group_id" {
  value = try(aws_security_group.this[0].id, null)
}
