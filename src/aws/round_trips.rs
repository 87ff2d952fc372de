//! Round trips: how many requests a grading waited on one after another, the figure its wall time is made of
//! (each is 20–80 ms from a region). Every read of a round starts at once; a read that needs another (resources
//! need the REST API list) waits for it, and pages and retries follow each other. So the round trips of a grading
//! are the longest such chain, and each request is counted at its place in it:
//! - each read of a round runs in its own chain ([`chain`]), starting at 0;
//! - a request sent is one deeper than the chain it is sent from, and the chain is that deep once it is answered
//!   (the SDK's interceptor and the probes call [`sending`] and [`answered`]);
//! - a value read once and shared ([`Once`]) carries how deep its chain was, and a read that uses it goes on from
//!   there, whichever read fetched it.
//!
//! A request sent outside any read (the account id, asked for beside the reads) starts a chain of its own.

use std::cell::Cell;
use std::future::Future;

use tokio::sync::OnceCell;

tokio::task_local! {
    static DEPTH: Cell<u32>;
}

/// Runs `read` as a chain of its own, from no round trip.
///
/// The chain's future is boxed: a read's state machine is large, and a grading holds one per read and per branch.
pub(crate) fn chain<F: Future>(read: F) -> impl Future<Output = F::Output> {
    Box::pin(DEPTH.scope(Cell::new(0), read))
}

/// Runs `branch` beside others of the same read (the pieces of a `join`): it goes on from where the read is, in
/// a chain of its own, so that one branch's answers do not make another's requests look deeper; the read then goes
/// on from the deepest branch.
pub(crate) async fn fork<F: Future>(branch: F) -> F::Output {
    let start = current();
    let (output, end) = Box::pin(DEPTH.scope(Cell::new(start), async {
        let output = branch.await;
        (output, current())
    }))
    .await;
    reached(end);
    output
}

/// `futures`' `join_all`, each future a [`fork`] of the read.
pub(crate) async fn join_all<F: Future>(branches: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    futures::future::join_all(branches.into_iter().map(fork)).await
}

/// `futures`' `try_join_all`, each future a [`fork`] of the read.
pub(crate) async fn try_join_all<T, E, F: Future<Output = Result<T, E>>>(
    branches: impl IntoIterator<Item = F>,
) -> Result<Vec<T>, E> {
    futures::future::try_join_all(branches.into_iter().map(fork)).await
}

/// How deep the current chain is (0 outside any).
pub(crate) fn current() -> u32 {
    DEPTH.try_with(Cell::get).unwrap_or(0)
}

/// The current chain has waited on something `depth` deep.
pub(crate) fn reached(depth: u32) {
    let _ = DEPTH.try_with(|cell| cell.set(cell.get().max(depth)));
}

/// A request is being sent: its place in the chain.
pub(crate) fn sending() -> u32 {
    current() + 1
}

/// The request sent at `depth` was answered.
pub(crate) fn answered(depth: u32) {
    reached(depth);
}

/// A value read once per round and shared by every read that needs it, with how deep its chain was.
#[derive(Debug)]
pub(crate) struct Once<T> {
    cell: OnceCell<(T, u32)>,
}

impl<T> Default for Once<T> {
    fn default() -> Self {
        Self { cell: OnceCell::new() }
    }
}

impl<T> Once<T> {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The value, fetched by the first read that asks; every read that uses it goes on from its depth.
    pub(crate) async fn get_or_init<F: Future<Output = T>>(&self, fetch: impl FnOnce() -> F) -> &T {
        let (value, depth) = self
            .cell
            .get_or_init(|| async {
                let value = fetch().await;
                (value, current())
            })
            .await;
        reached(*depth);
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request: sent one deeper than its chain, which is that deep once it is answered.
    async fn request() -> u32 {
        let depth = sending();
        tokio::task::yield_now().await;
        answered(depth);
        depth
    }

    #[tokio::test]
    async fn chains_count_what_waits_on_what() {
        let list: Once<u32> = Once::new();
        let list_then_detail = || async {
            list.get_or_init(request).await;
            request().await
        };
        // Two reads at once need the same list, then a detail each: the list once, at 1; the details at 2.
        let (a, b, alone) = tokio::join!(chain(list_then_detail()), chain(list_then_detail()), chain(request()));
        assert_eq!((a, b, alone), (2, 2, 1));
        assert_eq!(*list.get_or_init(|| async { 99 }).await, 1, "fetched once, by the first read");
        // Outside any chain a request starts one of its own.
        assert_eq!(request().await, 1);
        // Branches of one read at once do not deepen each other; the read goes on from the deepest.
        let branches = chain(async {
            let (one, two) = futures::join!(
                fork(request()),
                fork(async {
                    request().await;
                    request().await
                })
            );
            (one, two, request().await)
        });
        assert_eq!(branches.await, (1, 2, 3));
        // Pages (or retries) follow each other.
        let pages = chain(async {
            request().await;
            request().await
        });
        assert_eq!(pages.await, 2);
    }
}
