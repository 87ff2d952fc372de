//! The JSON report: the [`Report`] document as it is (its schema: docs/src/reference/formats.md).

use std::io;

use utoipa::openapi::{RefOr, Schema};

use super::{Format, Style};
use crate::model::Report;

pub struct Json;

impl Format for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    fn summary(&self) -> &'static str {
        "One JSON document (schema in the book: reference/formats)"
    }

    fn content_type(&self) -> &'static str {
        "application/json"
    }

    fn write(&self, report: &Report, _style: Style, out: &mut dyn io::Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        out.write_all(b"\n")
    }

    fn document_schema(&self, components: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
        super::schema_of::<Report>(components)
    }
}
