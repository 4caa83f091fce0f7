//! `flode robot`: a vault key printed once, a password set from standard input, listed
//! without it, and re-encrypted under a second key, on a temp SQLite database.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const PASSWORD: &str = "Vinter-2026-hemligt";

/// Runs flode in `dir` (no flode.toml there) with only the given vault variables.
fn flode(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flode"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("FLODE_VAULT_KEY")
        .env_remove("FLODE_VAULT_KEY_FILE")
        .env_remove("FLODE_CONFIG")
        .env_remove("FLODE_DATABASE")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run flode");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("flode output")
}

fn ok(out: &Output) -> (String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    (stdout, stderr)
}

fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write key file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}

#[test]
fn vault_key_set_list_and_rekey() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("flode.db").display());
    let database = ["--database", db.as_str()];

    // A new key: base64 on stdout, the hint on stderr.
    let (key1, hint) = ok(&flode(dir.path(), &["robot", "vault-key"], &[], None));
    let key1 = key1.trim().to_owned();
    assert_eq!(key1.len(), 44, "{key1}");
    assert!(!hint.contains(&key1), "the key only on stdout: {hint}");
    assert!(
        hint.contains("FLODE_VAULT_KEY_FILE") && hint.contains("077"),
        "{hint}"
    );
    let key1_file = dir.path().join("key1");
    write_private(&key1_file, &format!("{key1}\n"));
    let key1_file = key1_file.to_str().expect("path");

    // No key: the error names both variables.
    let set = [
        "robot",
        "credential",
        "set",
        "--target",
        "simifo",
        "--username",
        "robot1",
    ];
    let args: Vec<&str> = set.iter().chain(&database).copied().collect();
    let out = flode(dir.path(), &args, &[], Some(&format!("{PASSWORD}\n")));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("FLODE_VAULT_KEY") && err.contains("FLODE_VAULT_KEY_FILE"),
        "{err}"
    );

    // An empty password is refused.
    let env1 = [("FLODE_VAULT_KEY_FILE", key1_file)];
    let out = flode(dir.path(), &args, &env1, Some("\n"));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no password"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Set from stdin (the trailing newline is not part of it).
    let (stdout, stderr) = ok(&flode(
        dir.path(),
        &args,
        &env1,
        Some(&format!("{PASSWORD}\r\n")),
    ));
    assert!(
        stdout.contains("robot1") && stdout.contains("simifo"),
        "{stdout}"
    );
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));

    // Listed without the password (and without a key).
    let list: Vec<&str> = ["robot", "credential", "list"]
        .iter()
        .chain(&database)
        .copied()
        .collect();
    let (listed, stderr) = ok(&flode(dir.path(), &list, &[], None));
    assert!(
        listed.contains("simifo") && listed.contains("robot1"),
        "{listed}"
    );
    assert!(!listed.contains(PASSWORD) && !stderr.contains(PASSWORD));
    let row = listed.lines().nth(1).expect("one row");
    let key1_id = row.split_whitespace().nth(2).expect("key id").to_owned();
    assert_eq!(key1_id.len(), 16, "{listed}");

    // A second key, given in FLODE_VAULT_KEY; the old one as a file.
    let (key2, _) = ok(&flode(dir.path(), &["robot", "vault-key"], &[], None));
    let key2 = key2.trim().to_owned();
    assert_ne!(key1, key2);
    let env2 = [("FLODE_VAULT_KEY", key2.as_str())];
    let rekey: Vec<&str> = ["robot", "credential", "rekey", "--old-key-file", key1_file]
        .iter()
        .chain(&database)
        .copied()
        .collect();
    let (stdout, _) = ok(&flode(dir.path(), &rekey, &env2, None));
    assert!(stdout.contains("re-encrypted 1 "), "{stdout}");
    assert!(stdout.contains(&key1_id), "{stdout}");

    let (listed, stderr) = ok(&flode(dir.path(), &list, &env2, None));
    let row = listed.lines().nth(1).expect("one row");
    let key2_id = row.split_whitespace().nth(2).expect("key id");
    assert_ne!(key2_id, key1_id, "{listed}");
    assert!(stderr.contains(key2_id), "{stderr}");
    assert!(!listed.contains(PASSWORD) && !stderr.contains(PASSWORD));

    // Done again: nothing left under the old key.
    let (stdout, _) = ok(&flode(dir.path(), &rekey, &env2, None));
    assert!(stdout.contains("re-encrypted 0 "), "{stdout}");

    // The old key file must be private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(key1_file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let out = flode(dir.path(), &rekey, &env2, None);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("chmod 600"), "{err}");
        assert!(!err.contains(&key1), "{err}");
    }

    // No password anywhere in the database file.
    let mut bytes = Vec::new();
    for suffix in ["", "-wal"] {
        if let Ok(b) = std::fs::read(dir.path().join(format!("flode.db{suffix}"))) {
            bytes.extend(b);
        }
    }
    assert!(
        !bytes
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes())
    );
    assert!(bytes.windows(6).any(|w| w == b"robot1"));
}
