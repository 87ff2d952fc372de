//! Output formats: each turns a finished [`Report`] into one document. They only format; nothing here reads AWS,
//! decides a status or picks an exit code.
//!
//! A format is a type implementing [`Format`] in a module of its own, plus one line in [`FORMATS`]: the CLI's
//! `--format` and the service's `?format=` both take their names, help and content types from that list, and the
//! snapshot tests render every format listed over the same fixtures.

mod github;
mod gradescope;
pub(crate) mod html;
mod human;
mod json;
mod junit;
pub mod live;
mod markdown;
mod tap;
pub(crate) mod text;

use std::io;

use utoipa::PartialSchema;
use utoipa::openapi::{RefOr, Schema};

use crate::model::Report;

pub use human::Human;
pub use markdown::Markdown;

/// How a format may dress its output. Only the checklist uses it; the machine formats ignore it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colours (the CLI asks for them on a terminal without `NO_COLOR`).
    pub color: bool,
    /// Also the API call and probe counts.
    pub stats: bool,
}

/// One output format.
pub trait Format: Sync {
    /// Its name in `--format` and `?format=`.
    fn name(&self) -> &'static str;
    /// One line for `--help`.
    fn summary(&self) -> &'static str;
    /// The HTTP `Content-Type` of its documents.
    fn content_type(&self) -> &'static str;
    /// Writes `report` to `out`.
    fn write(&self, report: &Report, style: Style, out: &mut dyn io::Write) -> io::Result<()>;
    /// The OpenAPI schema of its documents (`?format=` of the service), the schemas it refers to added to
    /// `components`: text unless the format says more.
    fn document_schema(&self, components: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
        let _ = components;
        String::schema()
    }
}

/// The schema of `T`, registered in `components` with those it refers to, as a reference.
fn schema_of<T: utoipa::ToSchema>(components: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
    components.push((T::name().into_owned(), T::schema()));
    T::schemas(components);
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(T::name()))
}

/// Every output format, the default (the checklist) first.
pub static FORMATS: &[&dyn Format] = &[
    &Human,
    &json::Json,
    &junit::Junit,
    &tap::Tap,
    &markdown::Markdown,
    &github::Github,
    &gradescope::Gradescope,
    &html::Html,
];

/// The format called `name`, or an error naming the ones there are.
pub fn named(name: &str) -> Result<&'static dyn Format, UnknownFormat> {
    FORMATS.iter().copied().find(|f| f.name() == name).ok_or_else(|| UnknownFormat { name: name.to_owned() })
}

/// A format name that is not in [`FORMATS`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown format `{name}` ({})", FORMATS.iter().map(|f| f.name()).collect::<Vec<_>>().join(", "))]
pub struct UnknownFormat {
    pub name: String,
}

impl std::fmt::Debug for dyn Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Format({})", self.name())
    }
}

/// `report` in `format`, as a string.
pub fn render(report: &Report, format: &dyn Format, style: Style) -> String {
    let mut out = Vec::new();
    format.write(report, style, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("formats write UTF-8")
}

#[cfg(test)]
mod tests;
