# The label module creates nothing: it turns its inputs into names and tags. A direct input that is
# not null wins over the same field of var.context; attributes, tags and additional_tag_map are
# merged (context first). Values are then cleaned (regex_replace_chars), cased (label_value_case)
# and joined in label_order with the delimiter into the ID.

locals {
  label_names = ["namespace", "tenant", "environment", "stage", "name"]
  direct_labels = {
    namespace   = var.namespace
    tenant      = var.tenant
    environment = var.environment
    stage       = var.stage
    name        = var.name
  }

  # The context as given, and the same with every input merged in: this is the "context" output.
  given = var.context
  input = merge(
    { for label in local.label_names : label => local.direct_labels[label] != null ? local.direct_labels[label] : lookup(local.given, label, null) },
    {
      enabled             = var.enabled != null ? var.enabled : lookup(local.given, "enabled", null)
      delimiter           = var.delimiter != null ? var.delimiter : lookup(local.given, "delimiter", null)
      attributes          = compact(distinct(concat(coalesce(lookup(local.given, "attributes", null), []), coalesce(var.attributes, []))))
      tags                = merge(lookup(local.given, "tags", {}), var.tags)
      additional_tag_map  = merge(lookup(local.given, "additional_tag_map", {}), var.additional_tag_map)
      label_order         = var.label_order != null ? var.label_order : lookup(local.given, "label_order", null)
      regex_replace_chars = var.regex_replace_chars != null ? var.regex_replace_chars : lookup(local.given, "regex_replace_chars", null)
      id_length_limit     = var.id_length_limit != null ? var.id_length_limit : lookup(local.given, "id_length_limit", null)
      label_key_case      = var.label_key_case != null ? var.label_key_case : lookup(local.given, "label_key_case", null)
      label_value_case    = var.label_value_case != null ? var.label_value_case : lookup(local.given, "label_value_case", null)
      descriptor_formats  = merge(lookup(local.given, "descriptor_formats", {}), var.descriptor_formats)
      # labels_as_tags is set once: the first module that sets it decides.
      labels_as_tags = contains(lookup(local.given, "labels_as_tags", ["unset"]), "unset") ? var.labels_as_tags : local.given.labels_as_tags
    },
  )

  enabled             = local.input.enabled
  delimiter           = local.input.delimiter != null ? local.input.delimiter : "-"
  regex_replace_chars = local.input.regex_replace_chars != null ? local.input.regex_replace_chars : "/[^-a-zA-Z0-9]/"
  id_length_limit     = local.input.id_length_limit != null ? local.input.id_length_limit : 0
  label_key_case      = local.input.label_key_case != null ? local.input.label_key_case : "title"
  label_value_case    = local.input.label_value_case != null ? local.input.label_value_case : "lower"
  label_order = (length(local.input.label_order == null ? [] : local.input.label_order) == 0
    ? ["namespace", "environment", "stage", "name", "attributes"] : local.input.label_order)

  cleaned = { for label in local.label_names : label => local.input[label] == null ? "" : replace(local.input[label], local.regex_replace_chars, "") }
  labels = { for label, value in local.cleaned : label => (
    local.label_value_case == "none" ? value
    : local.label_value_case == "upper" ? upper(value)
    : local.label_value_case == "title" ? title(lower(value))
    : lower(value)
  ) }
  attributes = compact(distinct([for value in local.input.attributes : (
    local.label_value_case == "none" ? replace(value, local.regex_replace_chars, "")
    : local.label_value_case == "upper" ? upper(replace(value, local.regex_replace_chars, ""))
    : local.label_value_case == "title" ? title(lower(replace(value, local.regex_replace_chars, "")))
    : lower(replace(value, local.regex_replace_chars, ""))
  )]))

  id_parts = merge(local.labels, { attributes = join(local.delimiter, local.attributes) })
  id_full  = join(local.delimiter, [for part in local.label_order : local.id_parts[part] if length(local.id_parts[part]) > 0])
  id       = local.id_length_limit != 0 && length(local.id_full) > local.id_length_limit ? var.model_shortened_id : local.id_full

  # Tags named after the labels (Name is the ID), for the labels in labels_as_tags ("default": all).
  tag_values = merge(local.labels, { name = local.id, attributes = local.id_parts.attributes })
  tag_labels = contains(local.input.labels_as_tags, "default") ? keys(local.tag_values) : local.input.labels_as_tags
  tag_keys = {
    title = { namespace = "Namespace", tenant = "Tenant", environment = "Environment", stage = "Stage", name = "Name", attributes = "Attributes" }
    lower = { for label in keys(local.tag_values) : label => label }
    upper = { for label in keys(local.tag_values) : label => upper(label) }
  }
  generated_tags = {
    for label in local.tag_labels : local.tag_keys[local.label_key_case][label] => local.tag_values[label]
    if contains(keys(local.tag_values), label) && length(local.tag_values[label]) > 0
  }
  tags = merge(local.generated_tags, local.input.tags)

  normalized_context = {
    enabled             = local.enabled
    namespace           = local.labels.namespace
    tenant              = local.labels.tenant
    environment         = local.labels.environment
    stage               = local.labels.stage
    name                = local.labels.name
    delimiter           = local.delimiter
    attributes          = local.attributes
    tags                = local.tags
    additional_tag_map  = local.input.additional_tag_map
    label_order         = local.label_order
    regex_replace_chars = local.regex_replace_chars
    id_length_limit     = local.id_length_limit
    label_key_case      = local.label_key_case
    label_value_case    = local.label_value_case
    labels_as_tags      = local.tag_labels
    descriptor_formats  = local.input.descriptor_formats
  }
}
