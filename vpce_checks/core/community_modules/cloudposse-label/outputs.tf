# The label's outputs; while the module is disabled the names are empty and the tags too.

output "enabled" {
  value = local.enabled
}

output "id" {
  value = local.enabled ? local.id : ""
}

output "id_full" {
  value = local.enabled ? local.id_full : ""
}

output "namespace" {
  value = local.enabled ? local.labels.namespace : ""
}

output "tenant" {
  value = local.enabled ? local.labels.tenant : ""
}

output "environment" {
  value = local.enabled ? local.labels.environment : ""
}

output "stage" {
  value = local.enabled ? local.labels.stage : ""
}

output "name" {
  value = local.enabled ? local.labels.name : ""
}

output "delimiter" {
  value = local.enabled ? local.delimiter : ""
}

output "attributes" {
  value = local.enabled ? local.attributes : []
}

output "tags" {
  value = local.enabled ? local.tags : {}
}

output "additional_tag_map" {
  value = local.input.additional_tag_map
}

output "label_order" {
  value = local.label_order
}

output "regex_replace_chars" {
  value = local.regex_replace_chars
}

output "id_length_limit" {
  value = local.id_length_limit
}

output "context" {
  description = "The inputs merged into the given context, null where not set: pass it to the next label."
  value       = local.input
}

output "normalized_context" {
  value = local.normalized_context
}
