//! Reading input files whole, but never more than a limit: a regular file, a pipe (`--from <(...)`) or a device
//! (`/dev/zero`) all stop at the limit instead of filling memory.

use std::io::Read as _;
use std::path::Path;

/// Why an input file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    #[error("it is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
}

/// The whole content of `path`, if it is at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_large_files_stop_at_the_limit() {
        assert!(matches!(read_bounded(Path::new("/dev/zero"), 1024), Err(ReadError::TooLarge { limit: 1024 })));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_bounded(&path, 5).unwrap(), b"12345");
        assert!(matches!(read_bounded(&path, 4), Err(ReadError::TooLarge { .. })));
        assert!(matches!(read_bounded(&dir.path().join("missing"), 4), Err(ReadError::Io(_))));
    }
}
