"""The worksheet engine: schema, loader, field-type registry, form builder and FHIR mapping."""
