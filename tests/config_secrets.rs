//! Secrets named by `*_env` keys: an unset one fails `check` and stops every command
//! before it writes anything; a set one is what signs.

use crate::{
    config_check::place,
    support::{NOW, Project, stderr, stdout},
};

#[test]
fn a_named_secret_that_is_unset_stops_check_and_publish_before_anything_is_written() {
    // The demo, its unsubscribe links signed with a secret from a named variable.
    let var = "PRESSROOM_TEST_UNSUBSCRIBE_SECRET_11";
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config()).unwrap().replace(
        "transport = \"file\"",
        &format!("transport = \"file\"\nunsubscribe_secret_env = \"{var}\""),
    );
    std::fs::write(project.config(), &config).unwrap();
    let run = |args: &[&str], secret: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"));
        command
            .args(["--config", project.config().to_str().unwrap()])
            .args(["--now", NOW])
            .args(args)
            .env_remove(var);
        if let Some(secret) = secret {
            command.env(var, secret);
        }
        command.output().unwrap()
    };

    // Unset: `check` names the variable at its line, and `publish` stops before it
    // fetches, builds or writes anything.
    let (line, column) = place(&config, &format!("\"{var}\""));
    let file = project.config().display().to_string();
    let expected = format!(
        "{file}:{line}:{column}: email.unsubscribe_secret_env: environment variable {var} is not set"
    );
    for args in [&["check"][..], &["publish"]] {
        let output = run(args, None);
        assert_eq!(
            output.status.code(),
            Some(78),
            "{args:?}: {}",
            stdout(&output)
        );
        assert!(
            stderr(&output).contains(&expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert!(!project.path("state").exists(), "no state file, no outbox");
    assert!(!project.path("out").exists(), "no feeds, no archive");

    // Set but empty is no secret either.
    let output = run(&["check"], Some(""));
    assert_eq!(output.status.code(), Some(78));
    assert!(stderr(&output).contains(&format!("environment variable {var} is empty")));

    // Set: the links in every message verify with that secret, not the store's own.
    let secret = "a-secret-the-server-shares";
    let output = run(&["publish"], Some(secret));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outbox = project.path("state/outbox");
    let mut checked = 0;
    for entry in std::fs::read_dir(&outbox).unwrap() {
        let message = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        // A header, unfolded.
        let header = |name: &str| {
            let mut lines = message.lines().skip_while(|l| !l.starts_with(name));
            let first = lines
                .next()
                .unwrap_or_else(|| panic!("no {name} in:\n{message}"));
            let rest = lines.take_while(|l| l.starts_with([' ', '\t']));
            rest.fold(first[name.len()..].to_owned(), |all, l| all + l)
        };
        let list_id = header("List-Id: ");
        let list_id = &list_id[list_id.find('<').unwrap() + 1..list_id.rfind('>').unwrap()];
        let link = header("List-Unsubscribe: ");
        let token = link
            .split("token=")
            .nth(1)
            .unwrap()
            .split('>')
            .next()
            .unwrap();
        let address = pressroom::deliver::unsubscribe::verify(secret, token, list_id);
        assert!(address.is_some(), "{token} is not signed with {var}");
        assert_eq!(
            pressroom::deliver::unsubscribe::verify("another secret", token, list_id),
            None
        );
        checked += 1;
    }
    assert_eq!(checked, 6, "the demo's six subscribers");
}
