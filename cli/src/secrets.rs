//! Secrets on disk and on standard input: never on the command line, where every user of the
//! machine sees them in the process list, and never in a file others may read, even briefly.

use crate::CliResult;
use std::{io::Read, path::Path};

/// The secret in `path`, trimmed; `-` reads it from standard input (e.g. piped from a secret
/// store).
pub fn read_secret(path: &Path) -> CliResult<String> {
	let text = if path.as_os_str() == "-" {
		let mut text = String::new();
		std::io::stdin()
			.read_to_string(&mut text)
			.map_err(|e| format!("cannot read the secret from standard input: {e}"))?;
		text
	} else {
		std::fs::read_to_string(path)
			.map_err(|e| format!("cannot read the secret file {}: {e}", path.display()))?
	};
	let secret = text.trim();
	if secret.is_empty() {
		return Err(format!("{} holds no secret", path.display()));
	}
	Ok(secret.to_owned())
}

/// Writes `text` to `path`, readable and writable by its owner only from the moment it exists;
/// an existing file is restricted before it is overwritten.
pub fn write_private(path: &Path, text: &str) -> CliResult<()> {
	use std::io::Write;
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create(true).truncate(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	let mut file =
		options.open(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		file.set_permissions(std::fs::Permissions::from_mode(0o600))
			.map_err(|e| format!("cannot restrict {}: {e}", path.display()))?;
	}
	file.write_all(text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn scratch(name: &str) -> std::path::PathBuf {
		std::env::temp_dir().join(format!("banktax-secret-{name}-{}", std::process::id()))
	}

	#[cfg(unix)]
	#[test]
	fn a_private_file_is_its_owners_only_even_when_it_existed() {
		use std::os::unix::fs::PermissionsExt;
		let path = scratch("private");
		std::fs::write(&path, "old").expect("writable");
		std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
		write_private(&path, "new secret").expect("writes");
		let mode = std::fs::metadata(&path).expect("exists").permissions().mode() & 0o777;
		assert_eq!(mode, 0o600);
		assert_eq!(read_secret(&path).as_deref(), Ok("new secret"));
		let fresh = scratch("fresh");
		let _ = std::fs::remove_file(&fresh);
		write_private(&fresh, "x").expect("writes");
		let mode = std::fs::metadata(&fresh).expect("exists").permissions().mode() & 0o777;
		assert_eq!(mode, 0o600);
		let _ = std::fs::remove_file(&path);
		let _ = std::fs::remove_file(&fresh);
	}

	#[test]
	fn an_empty_or_missing_secret_is_named() {
		let path = scratch("empty");
		std::fs::write(&path, "\n").expect("writable");
		assert!(read_secret(&path).is_err_and(|e| e.contains("holds no secret")));
		let _ = std::fs::remove_file(&path);
		assert!(read_secret(&scratch("missing")).is_err_and(|e| e.contains("cannot read")));
	}
}
