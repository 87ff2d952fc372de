use std::io::Write;
use std::path::PathBuf;

use super::{CliError, exit};
use crate::inventory::policy::{operations_of, policy_document};
use crate::lab::Lab;

/// Prints the policy the labs' checks need (or, with `all`, every operation's), as pretty JSON.
pub fn policy(labs: &[PathBuf], all: bool) -> Result<u8, CliError> {
    let mut operations = if all {
        crate::inventory::operations()
    } else {
        let mut reads = Vec::new();
        for path in labs {
            let lab = Lab::load(path)?;
            reads.extend(lab.checks().flat_map(|check| check.validator.reads()));
        }
        operations_of(&reads)
    };
    operations.sort_by_key(|op| (op.action, op.resource));
    let document = serde_json::to_string_pretty(&policy_document(&operations)).expect("a JSON value prints");
    writeln!(std::io::stdout().lock(), "{document}")?;
    Ok(exit::PASS)
}
