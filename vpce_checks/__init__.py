"""vpce-checks: lint Terraform for broken, fragile and wasteful AWS VPC endpoint designs."""

__version__ = "0.1.0"
