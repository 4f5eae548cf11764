//! Keeps the guide honest: every `cargo run`/`cargo bench` command in
//! README.md and in the crates' `//!` headers names a crate, binary or
//! example that exists, with arguments of the shape its `--help` usage
//! gives; every file (`.rs`, `.ci/run`, `LICENSE-MIT`, ...) and test
//! the README names exists; and every program of the workspace is in the
//! README.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use tests::*;

const README: &str = include_str!("../../README.md");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The workspace members, from the root Cargo.toml.
fn members() -> Vec<String> {
    let manifest = fs::read_to_string(root().join("Cargo.toml")).expect("read Cargo.toml");
    let list = manifest
        .split("members = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("members");
    list.split(',')
        .map(|m| m.trim().trim_matches('"').to_string())
        .filter(|m| !m.is_empty())
        .collect()
}

/// The programs of the workspace: (crate, Some(example) or None for its binary).
fn programs() -> BTreeSet<(String, Option<String>)> {
    let mut all = BTreeSet::new();
    for member in members().into_iter().filter(|m| m != "tests") {
        if root().join(&member).join("src/main.rs").exists() {
            all.insert((member.clone(), None));
        }
        for entry in fs::read_dir(root().join(&member).join("examples"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(example) = name.strip_suffix(".rs") {
                all.insert((member.clone(), Some(example.to_string())));
            }
        }
    }
    all
}

/// Every `cargo run ...` / `cargo bench ...` command in `text`, each cut at
/// the end of its code span, table cell or shell comment.
fn commands(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(at) = rest
            .find("cargo run -p ")
            .or_else(|| rest.find("cargo bench -p "))
        {
            let command = &rest[at..];
            let end = command.find(['`', '#', '|']).unwrap_or(command.len());
            found.push(command[..end].trim().to_string());
            rest = &command[end..];
        }
    }
    found
}

/// A command's words, with the `[` `]` of optional parts taken away.
fn words(command: &str) -> Vec<String> {
    command
        .split_whitespace()
        .map(|w| w.replace(['[', ']'], ""))
        .filter(|w| !w.is_empty())
        .collect()
}

/// What a `cargo run` command names: crate, example, and the program's arguments.
struct Run {
    krate: String,
    example: Option<String>,
    args: Vec<String>,
}

fn parse_run(command: &str) -> Run {
    let w = words(command);
    let fail = |why: &str| -> ! { panic!("`{command}`: {why}") };
    if w.get(..3) != Some(&["cargo".to_string(), "run".into(), "-p".into()][..]) {
        fail("not `cargo run -p CRATE ...`");
    }
    let krate = w.get(3).cloned().unwrap_or_else(|| fail("no crate"));
    let mut rest = &w[4..];
    let mut example = None;
    if rest.first().map(String::as_str) == Some("--example") {
        example = Some(
            rest.get(1)
                .cloned()
                .unwrap_or_else(|| fail("no example name")),
        );
        rest = &rest[2..];
    }
    let args = match rest.split_first() {
        None => Vec::new(),
        Some((dashes, args)) if dashes == "--" => args.to_vec(),
        Some(_) => fail("arguments must follow `--`"),
    };
    Run {
        krate,
        example,
        args,
    }
}

/// The usage lines of a program's `--help`, as words after the program
/// name: `server [ADDR]` -> ["server", "[ADDR]"].
fn usage_lines(name: &str, help: &str) -> Vec<Vec<String>> {
    help.lines()
        .map(|l| l.trim_start().trim_start_matches("usage:").trim_start())
        .filter_map(|l| {
            l.strip_prefix(name)
                .filter(|r| r.is_empty() || r.starts_with(' '))
        })
        .map(|r| {
            r.split_whitespace()
                .take_while(|w| !w.starts_with('('))
                .map(String::from)
                .collect()
        })
        .collect()
}

fn is_placeholder(word: &str) -> bool {
    let word = word.trim_end_matches("...");
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_uppercase())
}

/// Checks `args` against one of the usage lines: a role word must be one
/// the program has, placeholders must be the program's, and a literal must
/// fit its slot (an ADDR is HOST:PORT).
fn check_args(command: &str, usage: &[Vec<String>], args: &[String]) {
    let fits = |line: &Vec<String>| {
        let slots: Vec<String> = line.iter().map(|s| s.replace(['[', ']'], "")).collect();
        let variadic = slots.last().is_some_and(|s| s.ends_with("..."));
        if args.len() > slots.len() && !variadic {
            return false;
        }
        args.iter().enumerate().all(|(i, arg)| {
            let slot = &slots[i.min(slots.len().saturating_sub(1))];
            if !is_placeholder(slot) {
                return arg == slot; // a role: `server`, `client`
            }
            if is_placeholder(arg) {
                return arg == slot;
            }
            match slot.as_str() {
                "ADDR" => arg
                    .rsplit_once(':')
                    .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok()),
                _ => !arg.starts_with('-'),
            }
        })
    };
    assert!(
        usage.iter().any(fits),
        "`{command}`: arguments {args:?} fit no usage line of the program: {usage:?}"
    );
}

/// Checks one `cargo run`/`cargo bench` command against the workspace.
fn check_command(command: &str, programs: &BTreeSet<(String, Option<String>)>) {
    if command.starts_with("cargo bench") {
        let w = words(command);
        assert!(
            w.len() >= 6 && w[3] == "tests" && w[4] == "--bench",
            "`{command}`: expected -p tests --bench NAME"
        );
        assert!(
            root()
                .join("tests/benches")
                .join(format!("{}.rs", w[5]))
                .exists(),
            "`{command}`: no such bench"
        );
        return;
    }
    let run = parse_run(command);
    let key = (run.krate.clone(), run.example.clone());
    assert!(
        programs.contains(&key),
        "`{command}`: no such crate binary or example in the workspace"
    );
    let (name, path) = match &run.example {
        Some(example) => (example.clone(), example_path(example)),
        None => (run.krate.clone(), program(&run.krate)),
    };
    let help = Proc::start(&path, &["--help"]).wait_exit();
    assert_eq!(help.code(), 0, "`{name} --help` failed: {help:?}");
    let usage = usage_lines(&name, &help.stdout);
    assert!(!usage.is_empty(), "`{name} --help` has no usage line");
    check_args(command, &usage, &run.args);
}

fn example_path(name: &str) -> PathBuf {
    example(name)
}

#[test]
fn readme_commands_name_programs_and_arguments_that_exist() {
    let programs = programs();
    let commands = commands(README);
    assert!(
        commands.len() > 20,
        "found only {} commands in README.md",
        commands.len()
    );
    for command in &commands {
        check_command(command, &programs);
    }
}

#[test]
fn every_program_of_the_workspace_is_in_the_readme() {
    let commands = commands(README);
    let named: BTreeSet<(String, Option<String>)> = commands
        .iter()
        .filter(|c| c.starts_with("cargo run"))
        .map(|c| parse_run(c))
        .map(|r| (r.krate, r.example))
        .collect();
    for program in programs() {
        assert!(
            named.contains(&program),
            "{program:?} has no command in README.md"
        );
    }
}

#[test]
fn crate_headers_name_commands_that_exist() {
    let programs = programs();
    let mut checked = 0;
    for (krate, example) in &programs {
        let file = match example {
            Some(example) => root()
                .join(krate)
                .join("examples")
                .join(format!("{example}.rs")),
            None => root().join(krate).join("src/main.rs"),
        };
        let source = fs::read_to_string(&file).expect("read the source");
        let header: String = source
            .lines()
            .filter(|l| l.starts_with("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let commands = commands(&header);
        assert!(
            !commands.is_empty(),
            "{}: the //! header shows no command",
            file.display()
        );
        for command in &commands {
            check_command(command, &programs);
            checked += 1;
        }
    }
    assert!(checked >= programs.len());
}

/// Backticked words of the README that look like a source file (`x.rs`,
/// `dir/x.rs`) or a test (`snake_case_with_many_words`).
fn backticked(text: &str) -> impl Iterator<Item = &str> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| !w.contains(' '))
}

#[test]
fn files_and_tests_the_readme_names_exist() {
    let mut sources = Vec::new();
    for member in members() {
        for dir in ["src", "examples", "tests", "benches"] {
            for entry in fs::read_dir(root().join(&member).join(dir))
                .into_iter()
                .flatten()
                .flatten()
            {
                sources.push(entry.path());
            }
        }
    }
    let test_code: String = sources
        .iter()
        .filter(|p| p.starts_with(root().join("tests/tests")))
        .map(|p| fs::read_to_string(p).unwrap())
        .collect();
    for word in backticked(README) {
        if word.ends_with(".rs") {
            let exists = if word.contains('/') {
                root().join(word).exists()
            } else {
                sources
                    .iter()
                    .any(|p| p.file_name().is_some_and(|n| n == word))
            };
            assert!(exists, "README.md names `{word}`, which does not exist");
        } else if [".ci/", ".cargo/", ".github/", "LICENSE-"]
            .iter()
            .any(|start| word.starts_with(start))
        {
            assert!(
                root().join(word).exists(),
                "README.md names `{word}`, which does not exist"
            );
        } else if word.matches('_').count() >= 4
            && word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            assert!(
                test_code.contains(&format!("fn {word}(")),
                "README.md names the test `{word}`, which does not exist"
            );
        }
    }
}

/// The Mermaid diagrams of the README (the articles' lost pictures).
fn diagrams(text: &str) -> Vec<&str> {
    text.split("```mermaid\n")
        .skip(1)
        .filter_map(|rest| rest.split("\n```").next())
        .collect()
}

/// The Rust calls a diagram names, as they must appear in the code: the
/// word before each `(`, kept with its `Type::` (`TcpListener::bind(`) or
/// reduced to its method (`stream.read(` -> `.read(`).
fn calls(diagram: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in diagram.match_indices('(') {
        let before = &diagram[..at];
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '.'))
            .map_or(0, |i| i + 1);
        let word = &before[start..];
        match word.rfind('.') {
            _ if word.is_empty() => {}
            Some(dot) => found.push(format!("{}(", &word[dot..])),
            None => found.push(format!("{word}(")),
        }
    }
    found
}

/// The code of the programs: every `.rs` file of the members but `tests`.
fn program_code() -> String {
    let mut code = String::new();
    for member in members().into_iter().filter(|m| m != "tests") {
        for dir in ["src", "examples"] {
            for entry in fs::read_dir(root().join(&member).join(dir))
                .into_iter()
                .flatten()
                .flatten()
            {
                code += &fs::read_to_string(entry.path()).unwrap();
            }
        }
    }
    code
}

fn check_diagram(diagram: &str, code: &str) {
    let calls = calls(diagram);
    assert!(
        !calls.is_empty(),
        "a diagram names no call at all:\n{diagram}"
    );
    for call in calls {
        assert!(
            code.contains(&call),
            "a README diagram names `{call}`, which our code never calls"
        );
    }
}

#[test]
fn readme_diagrams_name_only_calls_our_code_makes() {
    let found = diagrams(README);
    assert!(
        found.len() >= 3,
        "the README has {} Mermaid diagrams, expected 3 or more",
        found.len()
    );
    let code = program_code();
    for diagram in found {
        check_diagram(diagram, &code);
    }
}

/// Following the README must leave the repository as it was: every
/// http-fetch command names where it saves, and that is a temporary folder
/// or a name the repository ignores (`sina.html`, for no arguments).
#[test]
fn readme_http_fetch_commands_write_nothing_into_the_repository() {
    let ignored = fs::read_to_string(root().join(".gitignore")).expect("read .gitignore");
    let ignored: Vec<&str> = ignored.lines().map(|l| l.trim_start_matches('/')).collect();
    for command in commands(README)
        .iter()
        .filter(|c| c.starts_with("cargo run -p http-fetch"))
    {
        let args = parse_run(command).args;
        let out = match args.as_slice() {
            [] => "sina.html",
            [_, out] => out.as_str(),
            _ => panic!("`{command}`: give OUT, so that the README says where the file goes"),
        };
        assert!(
            out == "OUT" || out.starts_with("/tmp/") || ignored.contains(&out),
            "`{command}` writes {out} into the repository"
        );
    }
}

// The checker itself: it must refuse what is wrong.

#[test]
fn the_diagram_checker_refuses_calls_our_code_does_not_make() {
    let code = "let l = TcpListener::bind(addr)?; let (s, a) = l.accept()?; drop(s);";
    check_diagram(
        "A->>B: TcpListener::bind(addr)<br/>listener.accept() then drop(stream)",
        code,
    );
    for wrong in [
        "TcpStream::connect(addr)",
        "stream.peek(buf)",
        "listen(5)",
        "no call here",
    ] {
        let result = std::panic::catch_unwind(|| check_diagram(wrong, code));
        assert!(result.is_err(), "`{wrong}` was accepted");
    }
}

#[test]
fn the_checker_refuses_wrong_commands() {
    let programs = programs();
    for wrong in [
        "cargo run -p tcp-chatt -- server",
        "cargo run -p tcp-chat -- serve",
        "cargo run -p tcp-chat -- server 127.0.0.1",
        "cargo run -p tcp-chat -- server ADDR extra",
        "cargo run -p tcp-chat --example tcp_chat_duplx -- client",
        "cargo run -p udp-chat --example tcp_chat_duplex -- client",
        "cargo run -p tcp-hello-server -- server",
        "cargo run -p tcp-hello-client -- 127.0.0.1:9999 Ann",
        "cargo run -p http-fetch -- URL OUT MORE",
        "cargo run -p http-fetch URL",
        "cargo bench -p tests --bench no_such_bench",
    ] {
        let result = std::panic::catch_unwind(|| check_command(wrong, &programs));
        assert!(result.is_err(), "`{wrong}` was accepted");
    }
    for right in [
        "cargo run -p tcp-hello-client -- 127.0.0.1:9999",
        "cargo run -p tcp-chat --example tcp_chat_duplex -- client [ADDR]",
        "cargo run -p http-fetch -- 127.0.0.1:8000/ page.html",
    ] {
        check_command(right, &programs);
    }
}
