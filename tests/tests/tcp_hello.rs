//! tcp-hello-server and tcp-hello-client (article 001), and the one-shot
//! examples of articles 002/003, as processes on real sockets.

use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::thread;
use tests::*;

fn hello_server() -> (Proc, SocketAddr) {
    Proc::server(&program("tcp-hello-server"), &["127.0.0.1:0"])
}

/// A raw client that has read the welcome.
fn welcomed(addr: SocketAddr) -> TcpStream {
    let mut s = connect(addr);
    expect_bytes(&mut s, b"Welcome!");
    s
}

/// Checks that the server still holds a full conversation.
fn assert_still_serving(addr: SocketAddr) {
    let mut s = welcomed(addr);
    s.write_all(b"Tracy").unwrap();
    expect_bytes(&mut s, b"Hello, Tracy!");
    s.write_all(b"exit").unwrap();
    expect_closed(&mut s);
}

// ------------------------------------------------------------- the server

#[test]
fn hello_server_prints_the_bound_address_then_waits() {
    let (server, addr) = hello_server();
    assert_eq!(server.wait_line(1), "Waiting for connection...");
    assert_eq!(server.stdout(), format!("Listening on {addr}\nWaiting for connection...\n"));
}

#[test]
fn hello_server_replies_hello_name_and_closes_on_exit() {
    let (server, addr) = hello_server();
    let mut s = welcomed(addr);
    let client = s.local_addr().unwrap();
    for name in ["Michael", "Tracy", "Sarah"] {
        s.write_all(name.as_bytes()).unwrap();
        expect_bytes(&mut s, format!("Hello, {name}!").as_bytes());
    }
    s.write_all(b"exit").unwrap();
    expect_closed(&mut s);
    server.wait_stdout("closed.", 1);
    assert_eq!(
        server.stdout(),
        format!(
            "Listening on {addr}\nWaiting for connection...\n\
             Accept new connection from {client}...\nConnection from {client} closed.\n"
        )
    );
    assert_eq!(server.stderr(), "");
}

#[test]
fn hello_server_ends_the_connection_when_the_client_closes() {
    let (server, addr) = hello_server();
    let mut s = welcomed(addr);
    let client = s.local_addr().unwrap();
    s.shutdown(Shutdown::Write).unwrap(); // Python's empty recv() on the server
    expect_closed(&mut s);
    server.wait_stdout(&format!("Connection from {client} closed.\n"), 1);
    assert_eq!(server.stderr(), "");
}

#[test]
fn hello_server_answers_text_that_is_not_utf8_with_replacement_characters() {
    let (server, addr) = hello_server();
    let mut s = welcomed(addr);
    s.write_all(b"\xff\xfeA").unwrap();
    expect_bytes(&mut s, "Hello, \u{FFFD}\u{FFFD}A!".as_bytes());
    s.write_all("你好".as_bytes()).unwrap();
    expect_bytes(&mut s, "Hello, 你好!".as_bytes());
    drop(s);
    assert_still_serving(addr);
    assert_eq!(server.stderr(), "");
}

#[test]
fn hello_server_survives_a_client_that_resets_mid_conversation() {
    let (server, addr) = hello_server();
    let s = connect(addr);
    let client = s.local_addr().unwrap();
    // Closing a socket with unread data (the welcome) sends a reset, not a
    // FIN; the server is asleep and then replies to a connection that is gone.
    (&s).write_all(b"Michael").unwrap();
    // Wait until the welcome is in our receive buffer, unread: dropping the
    // socket before it arrives would send a plain FIN instead.
    while s.peek(&mut [0; 8]).expect("the welcome within the deadline") < 8 {}
    drop(s);
    server.wait_stdout(&format!("Connection from {client} closed."), 1);
    // stdout and stderr are two pipes read by two threads: the error line,
    // written first, may still be on its way.
    server.wait_stderr(&format!("tcp-hello-server: connection from {client}: "));
    assert!(server.stderr().starts_with(&format!("tcp-hello-server: connection from {client}: ")));
    assert_still_serving(addr);
}

#[test]
fn hello_server_serves_others_while_a_client_says_nothing() {
    let (server, addr) = hello_server();
    let mut silent = welcomed(addr);
    assert_still_serving(addr);
    silent.write_all(b"Sarah").unwrap();
    expect_bytes(&mut silent, b"Hello, Sarah!");
    assert_eq!(server.stderr(), "");
}

#[test]
fn hello_server_answers_64_kib_at_once_in_reads_of_at_most_1024_bytes() {
    let (_server, addr) = hello_server();
    let mut s = welcomed(addr);
    s.write_all(&[b'a'; 64 * 1024]).unwrap();
    // TCP keeps no message boundaries: the server answers each read of up
    // to 1024 bytes on its own, one per second. Check the first answer.
    let mut first = read_exactly(&mut s, "Hello, a".len());
    assert_eq!(first, b"Hello, a");
    while *first.last().unwrap() == b'a' {
        first.extend(read_exactly(&mut s, 1));
    }
    let a_count = first.len() - "Hello, !".len();
    assert!((1..=1024).contains(&a_count), "{a_count} bytes in one answer");
    drop(s); // leaves 63 KiB unread on the server: it must shrug that off
    assert_still_serving(addr);
}

#[test]
fn hello_server_serves_clients_in_parallel() {
    let (server, addr) = hello_server();
    // A one-at-a-time server would not greet the second client while the
    // first is still connected.
    let mut first = welcomed(addr);
    let mut second = welcomed(addr);
    second.write_all(b"Tracy").unwrap();
    expect_bytes(&mut second, b"Hello, Tracy!");
    first.write_all(b"Michael").unwrap();
    expect_bytes(&mut first, b"Hello, Michael!");
    assert_eq!(server.stdout().matches("Accept new connection").count(), 2);
    assert_eq!(server.stdout().matches("closed.").count(), 0);
}

#[test]
fn hello_server_holds_30_conversations_at_once() {
    let (_server, addr) = hello_server();
    // Each conversation takes 4 s of the server's pauses; served one after
    // another, 30 would take 120 s, far beyond each client's deadline.
    let clients: Vec<_> = (0..30).map(|_| welcomed(addr)).collect();
    let talks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            thread::spawn(move || {
                for name in ["Michael", "Tracy", "Sarah"] {
                    let name = format!("{name}{i}");
                    s.write_all(name.as_bytes()).unwrap();
                    expect_bytes(&mut s, format!("Hello, {name}!").as_bytes());
                }
                s.write_all(b"exit").unwrap();
                expect_closed(&mut s);
            })
        })
        .collect();
    for talk in talks {
        talk.join().expect("a conversation failed");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn hello_server_threads_go_away_when_clients_leave() {
    let (server, addr) = hello_server();
    let idle = thread_count(server.pid());
    let clients: Vec<_> = (0..5).map(|_| welcomed(addr)).collect();
    assert!(eventually(|| thread_count(server.pid()) == idle + 5), "one thread per client");
    drop(clients);
    server.wait_stdout("closed.", 5);
    assert!(eventually(|| thread_count(server.pid()) == idle), "threads left behind");
}

#[test]
fn hello_server_on_an_address_in_use_says_so_and_exits_1() {
    let (_taken, addr) = listen();
    let exit = Proc::program("tcp-hello-server", &[&addr.to_string()]).wait_exit();
    assert_one_line_error(
        &exit,
        1,
        &format!("tcp-hello-server: cannot listen on {addr}: "),
        &["address in use", "pass another ADDR", "127.0.0.1:0"],
    );
    assert_eq!(exit.stdout, "");
}

#[test]
fn hello_server_help_prints_usage_and_exits_0() {
    let exit = Proc::program("tcp-hello-server", &["--help"]).wait_exit();
    assert_eq!(exit.code(), 0);
    assert!(exit.stdout.starts_with("usage: tcp-hello-server [ADDR]\n"), "{exit:?}");
    assert!(exit.stdout.contains("127.0.0.1:9999"), "default address in the usage");
    assert_eq!(exit.stderr, "");
}

#[test]
fn hello_server_bad_arguments_print_usage_and_exit_2() {
    for args in [&["9999"][..], &["127.0.0.1:x"], &["127.0.0.1:0", "extra"], &["--port"]] {
        let exit = Proc::program("tcp-hello-server", args).wait_exit();
        assert_eq!(exit.code(), 2, "{args:?}: {exit:?}");
        assert!(exit.stderr.contains("usage: tcp-hello-server [ADDR]"), "{args:?}: {exit:?}");
        assert_eq!(exit.stdout, "");
    }
}

// ------------------------------------------------------------- the client

#[test]
fn hello_client_prints_the_conversation_with_its_server() {
    let (server, addr) = hello_server();
    let exit = Proc::program("tcp-hello-client", &[&addr.to_string()]).wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n");
    assert_eq!(exit.stderr, "");
    server.wait_stdout("closed.", 1);
}

#[test]
fn hello_client_sends_the_names_given_on_the_command_line() {
    let (_server, addr) = hello_server();
    let exit = Proc::program("tcp-hello-client", &[&addr.to_string(), "Ann", "李雷"]).wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "Welcome!\nHello, Ann!\nHello, 李雷!\n");
}

#[test]
fn hello_client_sends_exactly_the_article_bytes() {
    let (listener, addr) = listen();
    let client = Proc::program("tcp-hello-client", &[&addr.to_string()]);
    let mut s = accept(&listener);
    s.write_all(b"Welcome!").unwrap();
    for (name, reply) in [("Michael", "R1"), ("Tracy", "R2"), ("Sarah", "R3")] {
        expect_bytes(&mut s, name.as_bytes());
        s.write_all(reply.as_bytes()).unwrap();
    }
    assert_eq!(read_to_close(&mut s), b"exit");
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "Welcome!\nR1\nR2\nR3\n");
}

#[test]
fn hello_client_shows_a_reply_that_is_not_utf8_with_replacement_characters() {
    let (listener, addr) = listen();
    let client = Proc::program("tcp-hello-client", &[&addr.to_string(), "Ann"]);
    let mut s = accept(&listener);
    s.write_all(b"Welcome\xff").unwrap();
    expect_bytes(&mut s, b"Ann");
    s.write_all(b"\xe4\xbd").unwrap(); // half of a character
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "Welcome\u{FFFD}\n\u{FFFD}\n");
}

#[test]
fn hello_client_with_no_server_says_to_start_one_and_exits_1() {
    let addr = unused_addr();
    let exit = Proc::program("tcp-hello-client", &[&addr.to_string()]).wait_exit();
    assert_one_line_error(
        &exit,
        1,
        &format!("tcp-hello-client: cannot connect to {addr}: "),
        &["refused", "is the server running?", "cargo run -p tcp-hello-server"],
    );
    assert_eq!(exit.stdout, "");
}

#[test]
fn hello_client_whose_server_closes_early_says_so_and_exits_1() {
    let (listener, addr) = listen();
    let client = Proc::program("tcp-hello-client", &[&addr.to_string()]);
    let mut s = accept(&listener);
    s.write_all(b"Welcome!").unwrap();
    expect_bytes(&mut s, b"Michael");
    drop(s);
    let exit = client.wait_exit();
    assert_one_line_error(&exit, 1, &format!("tcp-hello-client: server {addr} closed the connection"), &[]);
    assert_eq!(exit.stdout, "Welcome!\n");
}

#[test]
fn hello_client_help_and_bad_arguments() {
    let exit = Proc::program("tcp-hello-client", &["-h"]).wait_exit();
    assert_eq!(exit.code(), 0);
    assert!(exit.stdout.starts_with("usage: tcp-hello-client [ADDR] [NAME...]\n"), "{exit:?}");
    for args in [&["Bob"][..], &["127.0.0.1:9999", ""]] {
        let exit = Proc::program("tcp-hello-client", args).wait_exit();
        assert_eq!(exit.code(), 2, "{args:?}: {exit:?}");
        assert!(exit.stderr.contains("usage: tcp-hello-client"), "{exit:?}");
    }
}

// ------------------------------------------------------------- one-shot examples

const GREETING: &str = "你好服务端,我是客户端小黑!";
const ANSWER: &str = "ok, 问题正在处理中...";

#[test]
fn one_shot_server_prints_what_it_got_answers_and_exits() {
    let (server, addr) = Proc::server(&example("one_shot_server"), &["127.0.0.1:0"]);
    let mut s = connect(addr);
    let client = s.local_addr().unwrap();
    s.write_all(b"hello").unwrap();
    assert_eq!(read_to_close(&mut s), ANSWER.as_bytes());
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n客户端的ip地址和端口号: {client}\n接收数据的长度为: 5\n接收客户端的数据为: hello\n"
        )
    );
}

#[test]
fn one_shot_client_sends_the_greeting_and_prints_the_raw_and_decoded_reply() {
    let (listener, addr) = listen();
    let client = Proc::example("one_shot_client", &[&addr.to_string()]);
    let mut s = accept(&listener);
    expect_bytes(&mut s, GREETING.as_bytes());
    s.write_all(ANSWER.as_bytes()).unwrap();
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        "b'ok, \\xe9\\x97\\xae\\xe9\\xa2\\x98\\xe6\\xad\\xa3\\xe5\\x9c\\xa8\\xe5\\xa4\\x84\\xe7\\x90\\x86\\xe4\\xb8\\xad...'\n\
         接收服务端的数据为: ok, 问题正在处理中...\n"
    );
}

#[test]
fn one_shot_client_and_server_talk() {
    let (server, addr) = Proc::server(&example("one_shot_server"), &["127.0.0.1:0"]);
    let client = Proc::example("one_shot_client", &[&addr.to_string()]).wait_exit();
    assert_eq!(client.code(), 0, "{client:?}");
    assert!(client.stdout.ends_with(&format!("接收服务端的数据为: {ANSWER}\n")));
    let server = server.wait_exit();
    assert_eq!(server.code(), 0, "{server:?}");
    assert!(server.stdout.contains(&format!("接收数据的长度为: 38\n接收客户端的数据为: {GREETING}\n")));
}

#[test]
fn one_shot_examples_report_refused_and_address_in_use() {
    let addr = unused_addr();
    let exit = Proc::example("one_shot_client", &[&addr.to_string()]).wait_exit();
    assert_one_line_error(
        &exit,
        1,
        &format!("one_shot_client: cannot connect to {addr}: "),
        &["is the server running?"],
    );
    let (_taken, addr) = listen();
    let exit = Proc::example("one_shot_server", &[&addr.to_string()]).wait_exit();
    assert_one_line_error(
        &exit,
        1,
        &format!("one_shot_server: cannot listen on {addr}: "),
        &["address in use"],
    );
}
