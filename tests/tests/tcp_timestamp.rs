//! tcp-timestamp (article 004) as processes on real sockets.

use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddr;
use tests::*;

fn server() -> (Proc, SocketAddr) {
    Proc::server(&program("tcp-timestamp"), &["server", "127.0.0.1:0"])
}

fn client(addr: SocketAddr, input: &str) -> Exit {
    run_with_input("tcp-timestamp", &["client", &addr.to_string()], input)
}

/// The client's answers, each checked to be `[<ctime>] <text>`: the texts.
fn answers(stdout: &str) -> Vec<&str> {
    between_prompts(stdout).into_iter().map(strip_stamp).collect()
}

#[test]
fn tcp_timestamp_server_answers_each_message_with_ctime_and_the_text() {
    let (server, addr) = server();
    let mut s = connect(addr);
    let client = s.local_addr().unwrap();
    s.write_all(b"hello").unwrap();
    let reply = read_exactly(&mut s, "[Sat Nov  1 09:05:03 2026] hello".len());
    assert_eq!(strip_stamp(&String::from_utf8(reply).unwrap()), "hello");
    drop(s);
    server.wait_stdout("waiting for connection...", 2);
    assert_eq!(
        server.stdout(),
        format!(
            "Listening on {addr}\nwaiting for connection...\n...connected from: {client}\n\
             waiting for connection...\n"
        )
    );
    assert_eq!(server.stderr(), "");
}

#[test]
fn tcp_timestamp_client_prints_each_stamped_answer_and_ends_on_an_empty_line() {
    let (_server, addr) = server();
    let exit = client(addr, "hello\n你好 world\n\nnot sent\n");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(answers(&exit.stdout), ["hello", "你好 world"]);
    assert_eq!(exit.stderr, "");
}

#[test]
fn tcp_timestamp_server_serves_two_clients_in_a_row() {
    let (server, addr) = server();
    assert_eq!(answers(&client(addr, "first\n\n").stdout), ["first"]);
    assert_eq!(answers(&client(addr, "second\n\n").stdout), ["second"]);
    server.wait_stdout("waiting for connection...", 3);
    assert_eq!(server.stdout().matches("...connected from: 127.0.0.1:").count(), 2);
}

#[test]
fn tcp_timestamp_second_client_waits_until_the_first_leaves() {
    let (server, addr) = server();
    let mut first = connect(addr);
    first.write_all(b"one").unwrap();
    read_exactly(&mut first, 27 + 3);
    // The second client's connection completes in the listen backlog, but
    // the single-threaded server is busy with the first one.
    let mut second = connect(addr);
    let second_addr = second.local_addr().unwrap();
    second.write_all(b"two").unwrap();
    first.write_all(b"three").unwrap();
    read_exactly(&mut first, 27 + 5); // the server was still with the first client
    second.set_nonblocking(true).unwrap();
    let unanswered = second.read(&mut [0; 64]).map_err(|e| e.kind());
    assert_eq!(unanswered, Err(ErrorKind::WouldBlock), "second client answered while the first was on");
    assert!(!server.stdout().contains(&second_addr.to_string()));
    second.set_nonblocking(false).unwrap();

    drop(first);
    let reply = read_exactly(&mut second, 27 + 3);
    assert_eq!(strip_stamp(&String::from_utf8(reply).unwrap()), "two");
    server.wait_stdout(&format!("...connected from: {second_addr}\n"), 1);
}

#[test]
fn tcp_timestamp_a_1500_byte_line_is_answered_in_pieces() {
    let (_server, addr) = server();
    let mut s = connect(addr);
    s.write_all(&[b'x'; 1500]).unwrap();
    // TCP keeps no message boundaries: the server reads at most 1024 bytes
    // at a time and stamps each read, so one line gets two answers or more.
    let mut got = Vec::new();
    while got.iter().filter(|&&b| b == b'x').count() < 1500 {
        let mut buf = [0; 4096];
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "server closed early");
        got.extend_from_slice(&buf[..n]);
    }
    let got = String::from_utf8(got).unwrap();
    let pieces: Vec<&str> = got.split('[').skip(1).collect();
    assert!(pieces.len() >= 2, "one answer for 1500 bytes: {got:?}");
    for piece in pieces {
        let text = strip_stamp(&format!("[{piece}")).len();
        assert!((1..=1024).contains(&text), "a piece of {text} bytes");
    }
}

#[test]
fn tcp_timestamp_client_shows_only_the_first_piece_of_a_long_answer() {
    let (_server, addr) = server();
    // What the user sees: the client, like the article's, reads one answer
    // of at most 1024 bytes per line sent, so the answer to a 1500-byte
    // line shows cut off; the rest would show on the next lines' turns.
    let exit = client(addr, &format!("{}\n\n", "x".repeat(1500)));
    assert_eq!(exit.code(), 0, "{exit:?}");
    let shown = answers(&exit.stdout)[0];
    assert!(!shown.is_empty() && shown.len() < 1500 && shown.bytes().all(|b| b == b'x'), "{shown:?}");
}

#[test]
fn tcp_timestamp_client_ends_cleanly_at_end_of_input() {
    let (_server, addr) = server();
    let exit = client(addr, "hello\n");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(answers(&exit.stdout), ["hello"]);
    assert_eq!(exit.stderr, "");
}

#[test]
fn tcp_timestamp_server_answers_bytes_that_are_not_utf8_with_replacement_characters() {
    let (server, addr) = server();
    let mut s = connect(addr);
    s.write_all(b"\xff\xfeok").unwrap();
    let reply = read_exactly(&mut s, 27 + "\u{FFFD}\u{FFFD}ok".len());
    assert_eq!(strip_stamp(&String::from_utf8(reply).unwrap()), "\u{FFFD}\u{FFFD}ok");
    assert_eq!(server.stderr(), "");
}

#[test]
fn tcp_timestamp_server_goes_on_after_a_client_resets() {
    let (server, addr) = server();
    let mut s = connect(addr);
    let gone = s.local_addr().unwrap();
    s.write_all(b"hello").unwrap();
    // Wait for the answer without reading it: closing a socket with unread
    // data sends a reset instead of an orderly close.
    s.peek(&mut [0; 1]).unwrap();
    drop(s);
    server.wait_stderr(&format!("tcp-timestamp server: connection from {gone}: "));
    server.wait_stdout("waiting for connection...", 2);
    assert_eq!(answers(&client(addr, "next\n\n").stdout), ["next"]);
}

#[test]
fn tcp_timestamp_client_sends_each_line_without_its_newline() {
    let (listener, addr) = listen();
    let mut client = Proc::program("tcp-timestamp", &["client", &addr.to_string()]);
    client.type_in("hello\r\n");
    let mut s = accept(&listener);
    expect_bytes(&mut s, b"hello");
    s.write_all(b"[stamp] hello").unwrap();
    client.type_in("bye\n");
    expect_bytes(&mut s, b"bye");
    drop(s); // the server goes away instead of answering
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "> [stamp] hello\n> ");
    assert_eq!(exit.stderr, format!("tcp-timestamp client: server {addr} closed the connection\n"));
}

#[test]
fn tcp_timestamp_client_with_no_server_says_to_start_one() {
    let addr = unused_addr();
    let exit = client(addr, "hello\n");
    assert_one_line_error(
        &exit,
        1,
        &format!("tcp-timestamp client: cannot connect to {addr}: "),
        &["refused", "cargo run -p tcp-timestamp -- server"],
    );
}

#[test]
fn tcp_timestamp_server_on_an_address_in_use_says_so() {
    let (_taken, addr) = listen();
    let exit = Proc::program("tcp-timestamp", &["server", &addr.to_string()]).wait_exit();
    assert_one_line_error(
        &exit,
        1,
        &format!("tcp-timestamp server: cannot listen on {addr}: "),
        &["address in use", "pass another ADDR"],
    );
}

#[test]
fn tcp_timestamp_without_a_role_prints_usage_and_exits_2() {
    let exit = Proc::program("tcp-timestamp", &[]).wait_exit();
    assert_eq!(exit.code(), 2);
    assert!(exit.stderr.starts_with("usage: tcp-timestamp server [ADDR]\n"), "{exit:?}");
    assert_eq!(exit.stdout, "");
    let help = Proc::program("tcp-timestamp", &["--help"]).wait_exit();
    assert_eq!(help.code(), 0);
    assert_eq!(help.stdout.trim_end(), exit.stderr.trim_end());
    for args in [&["serve"][..], &["client", "nowhere"], &["server", "127.0.0.1:0", "x"]] {
        let exit = Proc::program("tcp-timestamp", args).wait_exit();
        assert_eq!(exit.code(), 2, "{args:?}: {exit:?}");
    }
}
