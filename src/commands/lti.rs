//! `labcheck lti keygen`: a new RSA key for the tool's LTI signing (PKCS#8 PEM, owner-only file). Its kid is
//! printed; the key itself never is.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use super::{CliError, exit};

#[derive(Debug, Subcommand)]
pub enum LtiCommand {
    /// Make a signing key (RSA 2048, PKCS#8 PEM) for `[tool] keys` of the LTI config; prints its kid.
    Keygen {
        /// Where to write it (a new file, readable by its owner only)
        #[arg(long, short)]
        output: PathBuf,
    },
}

pub fn lti(command: LtiCommand) -> Result<u8, CliError> {
    match command {
        LtiCommand::Keygen { output } => keygen(&output),
    }
}

fn keygen(output: &PathBuf) -> Result<u8, CliError> {
    let (pem, kid) = crate::lti::keys::generate().map_err(|e| CliError::Usage(e.to_string()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written =
        options.open(output).and_then(|mut file| file.write_all(pem.as_bytes()).and_then(|()| file.sync_all()));
    written.map_err(|source| CliError::Output { path: output.clone(), source })?;
    println!("{kid}");
    eprintln!("labcheck: wrote a new LTI signing key to {} (kid {kid}); list it under [tool] keys", output.display());
    Ok(exit::PASS)
}
