# The inputs of cloudposse/label/null 0.25.0 with their defaults. Every label input defaults to
# null, meaning "take it from var.context"; the context's own defaults are the module's.

variable "context" {
  type = any
  default = {
    enabled             = true
    namespace           = null
    tenant              = null
    environment         = null
    stage               = null
    name                = null
    delimiter           = null
    attributes          = []
    tags                = {}
    additional_tag_map  = {}
    regex_replace_chars = null
    label_order         = []
    id_length_limit     = null
    label_key_case      = null
    label_value_case    = null
    descriptor_formats  = {}
    labels_as_tags      = ["unset"]
  }
}

variable "enabled" {
  type    = bool
  default = null
}

variable "namespace" {
  type    = string
  default = null
}

variable "tenant" {
  type    = string
  default = null
}

variable "environment" {
  type    = string
  default = null
}

variable "stage" {
  type    = string
  default = null
}

variable "name" {
  type    = string
  default = null
}

variable "delimiter" {
  type    = string
  default = null
}

variable "attributes" {
  type    = list(string)
  default = []
}

variable "labels_as_tags" {
  type    = set(string)
  default = ["default"]
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "additional_tag_map" {
  type    = map(string)
  default = {}
}

variable "label_order" {
  type    = list(string)
  default = null
}

variable "regex_replace_chars" {
  type    = string
  default = null
}

variable "id_length_limit" {
  type    = number
  default = null
}

variable "label_key_case" {
  type    = string
  default = null
}

variable "label_value_case" {
  type    = string
  default = null
}

variable "descriptor_formats" {
  type    = any
  default = {}
}

variable "model_shortened_id" {
  description = "The hashed short ID made when id_length_limit cuts the ID: not modelled, so unknown (model.json)."
  type        = string
}
