//! Article 002's 简单TCP案例: `basic_server` and `basic_client`, the
//! examples of the hello crates, as processes on real sockets. Their
//! hostile-peer and bad-argument cases are in `tcp_hello.rs`, with the
//! other programs of the two crates.

use std::io::Write;
use tests::*;

const HELLO: &[u8] = b"hello";
const WELCOME: &[u8] = b"Welcome to connect !";

#[test]
fn basic_server_prints_the_article_lines_and_answers_welcome_to_connect() {
    let (server, addr) = Proc::server(&example("basic_server"), &["127.0.0.1:0"]);
    assert_eq!(server.wait_line(1), "is listening...");
    let mut s = connect(addr);
    s.write_all(HELLO).unwrap();
    // The answer, then the close: nothing more comes on the connection.
    assert_eq!(read_to_close(&mut s), WELCOME);
    let exit = server.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\nis listening...\nconnect to client successful\nb'hello'\nclosed\n"
        )
    );
    assert_eq!(exit.stderr, "");
}

#[test]
fn basic_server_prints_the_bytes_as_python_s_repr() {
    let (server, addr) = Proc::server(&example("basic_server"), &["127.0.0.1:0"]);
    let mut s = connect(addr);
    s.write_all("你\t\\\n\x7f".as_bytes()).unwrap();
    assert_eq!(read_to_close(&mut s), WELCOME);
    let exit = server.wait_exit();
    assert!(
        exit.stdout
            .contains("\nb'\\xe4\\xbd\\xa0\\t\\\\\\n\\x7f'\nclosed\n"),
        "{exit:?}"
    );
}

#[test]
fn basic_client_sends_hello_and_prints_the_answer_between_the_article_lines() {
    let (listener, addr) = listen();
    let client = Proc::example("basic_client", &[&addr.to_string()]);
    let mut s = accept(&listener);
    expect_bytes(&mut s, HELLO);
    s.write_all(WELCOME).unwrap();
    // The client closes after one answer, having sent nothing more.
    expect_closed(&mut s);
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        "connect to server successful\nWelcome to connect !\nclosed\n"
    );
    assert_eq!(exit.stderr, "");
}

#[test]
fn basic_client_and_server_talk() {
    let (server, addr) = Proc::server(&example("basic_server"), &["127.0.0.1:0"]);
    let client = Proc::example("basic_client", &[&addr.to_string()]).wait_exit();
    assert_eq!(client.code(), 0, "{client:?}");
    assert_eq!(
        client.stdout,
        "connect to server successful\nWelcome to connect !\nclosed\n"
    );
    let server = server.wait_exit();
    assert_eq!(server.code(), 0, "{server:?}");
    assert!(
        server
            .stdout
            .ends_with("is listening...\nconnect to client successful\nb'hello'\nclosed\n")
    );
}

#[test]
fn basic_examples_help_shows_the_article_s_port_9000() {
    for name in ["basic_server", "basic_client"] {
        let start = format!("usage: {name} [ADDR]");
        assert_help(
            &example(name),
            &["--help"],
            &start,
            &["default 127.0.0.1:9000"],
        );
    }
}

#[test]
fn basic_client_shows_an_answer_without_its_one_trailing_newline() {
    let (listener, addr) = listen();
    let client = Proc::example("basic_client", &[&addr.to_string()]);
    let mut s = accept(&listener);
    expect_bytes(&mut s, HELLO);
    s.write_all(b"Welcome to connect !\r\n").unwrap();
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        "connect to server successful\nWelcome to connect !\nclosed\n"
    );
}

/// Python's repr quotes with `"` bytes that hold a `'` and no `"`, and
/// escapes only the quote it quotes with: what basic_server prints for
/// each message is exactly what `print(data)` prints in Python.
#[test]
fn basic_server_quotes_the_bytes_as_python_s_repr_does() {
    let cases: [(&[u8], &str); 4] = [
        (b"it's", "b\"it's\""),
        (b"say \"hi\"", "b'say \"hi\"'"),
        (b"it's \"hi\"", "b'it\\'s \"hi\"'"),
        (b"\\'\x1b", "b\"\\\\'\\x1b\""),
    ];
    for (sent, repr) in cases {
        let (server, addr) = Proc::server(&example("basic_server"), &["127.0.0.1:0"]);
        let mut s = connect(addr);
        s.write_all(sent).unwrap();
        assert_eq!(read_to_close(&mut s), WELCOME);
        let exit = server.wait_exit();
        let expected = format!("connect to client successful\n{repr}\nclosed\n");
        assert!(exit.stdout.ends_with(&expected), "{sent:?}: {exit:?}");
    }
}
