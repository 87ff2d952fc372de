//! Reading every page of a paginated collection, and nothing but real pages.

use std::collections::HashSet;
use std::error::Error as StdError;

use aws_sdk_apigateway::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use super::{Operation, is_not_found};
use crate::facts::{Fact, FactError, FactErrorKind};

/// What the service saying "no such thing" (`ResourceNotFoundException`) means for a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMissing {
    /// An error like any other (the owner of the collection must exist).
    Error,
    /// A fact: the owner (a Lambda function, for its versions) does not exist, so the collection is empty.
    Empty,
}

/// Every page of a collection, in order. The SDK's paginators end quietly when a page names the position they just
/// asked for, which would grade a partial collection; build them with `stop_on_duplicate_token(false)` and this
/// fails instead on any position that comes back (a loop of any length): the checks that need it are `error`.
pub async fn read_all<P, E>(
    mut pages: PaginationStream<Result<P, SdkError<E, HttpResponse>>>,
    operation: &Operation,
    next_position: impl Fn(&P) -> Option<&str>,
    if_missing: IfMissing,
) -> Fact<Vec<P>>
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) if if_missing == IfMissing::Empty && all.is_empty() && is_not_found(&e) => return Ok(Vec::new()),
            Err(e) => return Err(operation.error(e)),
        };
        if let Some(position) = next_position(&page).filter(|p| !p.is_empty())
            && !seen.insert(position.to_owned())
        {
            return Err(FactError::new(
                FactErrorKind::Malformed,
                operation.name,
                format!("pagination loop: page {} named a position that had already been read", all.len() + 1),
            ));
        }
        all.push(page);
    }
    Ok(all)
}
