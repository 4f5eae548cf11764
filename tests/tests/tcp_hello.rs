//! tcp-hello-server and tcp-hello-client (article 001), the one-shot
//! examples of article 003, and what all six programs of the two hello
//! crates (with article 002's `basic_*` examples) do with hostile peers and
//! careless users, as processes on real sockets.

use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};
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

/// Waits until at least `n` bytes have arrived on `s`, unread, so that
/// closing `s` now sends a reset rather than a FIN.
fn wait_unread(s: &TcpStream, n: usize) {
    let arrived = || s.peek(&mut [0; 64]).is_ok_and(|got| got >= n);
    assert!(
        eventually(arrived),
        "{n} bytes not here within {DEADLINE:?}"
    );
}

// ------------------------------------------------------------- the server

#[test]
fn hello_server_prints_the_bound_address_then_waits() {
    let (server, addr) = hello_server();
    assert_eq!(server.wait_line(1), "Waiting for connection...");
    assert_eq!(
        server.stdout(),
        format!("Listening on {addr}\nWaiting for connection...\n")
    );
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
    wait_unread(&s, b"Welcome!".len());
    drop(s);
    // The error, on stderr, then the close, as for any client.
    server.wait_stdout(&format!("Connection from {client} closed."), 1);
    server.wait_stderr(&format!("tcp-hello-server: connection from {client}: "));
    assert!(
        server
            .stderr()
            .starts_with(&format!("tcp-hello-server: connection from {client}: ")),
        "{}",
        server.stderr()
    );
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

/// A client that says nothing is let go after IDLE_SECS (30 s unless set),
/// so that idle clients cannot use up the server's threads and file
/// descriptors.
#[test]
fn hello_server_lets_a_client_idle_for_idle_secs_go() {
    let env = [("IDLE_SECS", "1")];
    let (server, addr) = Proc::server_with(&program("tcp-hello-server"), &["127.0.0.1:0"], &env);
    let mut idle = welcomed(addr);
    let client = idle.local_addr().unwrap();
    let started = Instant::now();
    expect_closed(&mut idle);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "closed after {:?}",
        started.elapsed()
    );
    server.wait_stderr(&format!(
        "tcp-hello-server: connection from {client}: idle for 1 s, closing it\n"
    ));
    server.wait_stdout(&format!("Connection from {client} closed."), 1);
    assert_still_serving(addr);
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
    assert!(
        (1..=1024).contains(&a_count),
        "{a_count} bytes in one answer"
    );
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
    assert!(
        eventually(|| thread_count(server.pid()) == idle + 5),
        "one thread per client"
    );
    drop(clients);
    server.wait_stdout("closed.", 5);
    assert!(
        eventually(|| thread_count(server.pid()) == idle),
        "threads left behind"
    );
}

#[test]
fn hello_server_on_an_address_in_use_says_so_and_exits_1() {
    let (_taken, addr) = listen();
    assert_address_in_use(
        &program("tcp-hello-server"),
        &[],
        addr,
        "tcp-hello-server: cannot listen on",
    );
}

#[test]
fn hello_server_help_prints_usage_and_exits_0() {
    let start = "usage: tcp-hello-server [ADDR]\n";
    assert_help(
        &program("tcp-hello-server"),
        &["--help"],
        start,
        &["127.0.0.1:9999"],
    );
}

#[test]
fn hello_server_bad_arguments_print_usage_and_exit_2() {
    for (args, why) in [
        (&["9999"][..], bad_addr_why("9999")),
        (&["127.0.0.1:+80"], bad_addr_why("127.0.0.1:+80")),
        (
            &["127.0.0.1:0", "extra"],
            "unexpected argument `extra`".into(),
        ),
        (&["--port"], "unknown option `--port`".into()),
    ] {
        assert_bad_usage(&program("tcp-hello-server"), args, &why);
    }
}

// ------------------------------------------------------------- the client

#[test]
fn hello_client_prints_the_conversation_with_its_server() {
    let (server, addr) = hello_server();
    let exit = Proc::program("tcp-hello-client", &[&addr.to_string()]).wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        "Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n"
    );
    assert_eq!(exit.stderr, "");
    server.wait_stdout("closed.", 1);
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
    let exit = client.wait_exit_0();
    assert_eq!(exit.stdout, "Welcome!\nR1\nR2\nR3\n");
}

/// Plays the hello server for `client`: `welcome`, then `replies[i]` to
/// the article's name number `i`; checks that `exit` comes last.
fn answer_the_hello_client(listener: &std::net::TcpListener, welcome: &[u8], replies: [&[u8]; 3]) {
    let mut s = accept(listener);
    s.write_all(welcome).unwrap();
    for (name, reply) in ["Michael", "Tracy", "Sarah"].into_iter().zip(replies) {
        expect_bytes(&mut s, name.as_bytes());
        s.write_all(reply).unwrap();
    }
    assert_eq!(read_to_close(&mut s), b"exit");
}

#[test]
fn hello_client_shows_a_reply_that_is_not_utf8_with_replacement_characters() {
    let (listener, addr) = listen();
    let client = Proc::program("tcp-hello-client", &[&addr.to_string()]);
    // The last: half of a character.
    answer_the_hello_client(&listener, b"Welcome\xff", [b"\xffA", b"B", b"\xe4\xbd"]);
    let exit = client.wait_exit_0();
    assert_eq!(exit.stdout, "Welcome\u{FFFD}\n\u{FFFD}A\nB\n\u{FFFD}\n");
}

/// A server that ends its lines (as `nc` or a line-based server does) is
/// shown without a `\u{a}` or `\u{d}`: one trailing newline is dropped, and
/// only one.
#[test]
fn hello_client_drops_one_trailing_newline_of_each_reply() {
    let (listener, addr) = listen();
    let client = Proc::program("tcp-hello-client", &[&addr.to_string()]);
    answer_the_hello_client(&listener, b"Welcome!\n", [b"R1\r\n", b"R2\n\n", b"R3\nx"]);
    let exit = client.wait_exit();
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""), "{exit:?}");
    assert_eq!(exit.stdout, "Welcome!\nR1\nR2\\u{a}\nR3\\u{a}x\n");
}

#[test]
fn hello_client_with_no_server_says_to_start_one_and_exits_1() {
    let (start, hint) = (
        "tcp-hello-client: cannot connect to",
        "cargo run -p tcp-hello-server",
    );
    let exit = assert_no_server(
        &program("tcp-hello-client"),
        &[],
        unused_addr(),
        start,
        hint,
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
    assert_one_line_error(
        &exit,
        1,
        &format!(
            "tcp-hello-client: cannot receive from {addr}: the server closed without answering"
        ),
        &[],
    );
    assert_eq!(exit.stdout, "Welcome!\n");
}

/// A server that accepts and never says a word: the welcome is due, and
/// the client gives up after 10 s instead of waiting for ever.
#[test]
fn hello_client_gives_up_on_a_silent_server_after_10_s() {
    let (listener, addr) = listen();
    let started = Instant::now();
    let client = Proc::program("tcp-hello-client", &[&addr.to_string()]);
    let _silent = accept(&listener);
    let exit = client.wait_exit_after(Duration::from_secs(10));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(9500),
        "gave up after {took:?}"
    );
    assert_one_line_error(
        &exit,
        1,
        &format!("tcp-hello-client: cannot receive from {addr}: "),
        &["no answer within 10 s"],
    );
    assert_eq!(exit.stdout, "");
}

#[test]
fn hello_client_help_and_bad_arguments() {
    let tcp_hello_client = program("tcp-hello-client");
    assert_help(
        &tcp_hello_client,
        &["-h"],
        "usage: tcp-hello-client [ADDR]",
        &["127.0.0.1:9999"],
    );
    // The article's client has no names to give: Michael, Tracy and Sarah.
    for (args, why) in [
        (&["Bob"][..], bad_addr_why("Bob")),
        (
            &["127.0.0.1:9999", "Ann"],
            "unexpected argument `Ann`".into(),
        ),
    ] {
        assert_bad_usage(&tcp_hello_client, args, &why);
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
    let exit = server.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n客户端的ip地址和端口号: ('127.0.0.1', {})\n接收数据的长度为: 5\n接收客户端的数据为: hello\n",
            client.port()
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
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        "b'ok, \\xe9\\x97\\xae\\xe9\\xa2\\x98\\xe6\\xad\\xa3\\xe5\\x9c\\xa8\\xe5\\xa4\\x84\\xe7\\x90\\x86\\xe4\\xb8\\xad...'\n\
         接收服务端的数据为: ok, 问题正在处理中...\n"
    );
}

/// The raw reply is printed as Python's repr prints bytes: quoted with `"`
/// when it holds a `'` and no `"`, only the quoting quote escaped.
#[test]
fn one_shot_client_prints_the_raw_reply_quoted_as_python_s_repr_does() {
    let cases: [(&[u8], &str); 3] = [
        (b"it's", "b\"it's\""),
        (b"say \"hi\"", "b'say \"hi\"'"),
        (b"it's \"hi\"", "b'it\\'s \"hi\"'"),
    ];
    for (reply, repr) in cases {
        let (listener, addr) = listen();
        let client = Proc::example("one_shot_client", &[&addr.to_string()]);
        let mut s = accept(&listener);
        expect_bytes(&mut s, GREETING.as_bytes());
        s.write_all(reply).unwrap();
        let exit = client.wait_exit_0();
        let first = exit.stdout.lines().next().unwrap_or_default();
        assert_eq!(first, repr, "{reply:?}: {exit:?}");
    }
}

#[test]
fn one_shot_client_and_server_talk() {
    let (server, addr) = Proc::server(&example("one_shot_server"), &["127.0.0.1:0"]);
    let client = Proc::example("one_shot_client", &[&addr.to_string()]).wait_exit();
    assert_eq!(client.code(), 0, "{client:?}");
    assert!(
        client
            .stdout
            .ends_with(&format!("接收服务端的数据为: {ANSWER}\n"))
    );
    let server = server.wait_exit();
    assert_eq!(server.code(), 0, "{server:?}");
    assert!(server.stdout.contains(&format!(
        "接收数据的长度为: 38\n接收客户端的数据为: {GREETING}\n"
    )));
}

/// A peer's one trailing newline ends its line: the one-shot server shows
/// `hello\n` as `hello` (its length stays 6, the bytes it got), the client
/// a `\r\n` answer without `\u{d}\u{a}`; the raw bytes keep it.
#[test]
fn one_shot_examples_drop_one_trailing_newline_of_the_text_they_show() {
    let (server, addr) = Proc::server(&example("one_shot_server"), &["127.0.0.1:0"]);
    let mut s = connect(addr);
    s.write_all(b"hello\n").unwrap();
    assert_eq!(read_to_close(&mut s), ANSWER.as_bytes());
    let exit = server.wait_exit_0();
    assert!(
        exit.stdout
            .ends_with("\n接收数据的长度为: 6\n接收客户端的数据为: hello\n"),
        "{exit:?}"
    );

    let (listener, addr) = listen();
    let client = Proc::example("one_shot_client", &[&addr.to_string()]);
    let mut s = accept(&listener);
    expect_bytes(&mut s, GREETING.as_bytes());
    s.write_all(b"ok\r\n").unwrap();
    let exit = client.wait_exit_0();
    assert_eq!(exit.stdout, "b'ok\\r\\n'\n接收服务端的数据为: ok\n");
}

#[test]
fn one_shot_examples_report_refused_and_address_in_use() {
    for (client, server) in [
        ("one_shot_client", "one_shot_server"),
        ("basic_client", "basic_server"),
    ] {
        let start = format!("{client}: cannot connect to");
        let exit = assert_no_server(
            &example(client),
            &[],
            unused_addr(),
            &start,
            &format!("start it with `cargo run -p tcp-hello-server --example {server}`"),
        );
        assert_eq!(exit.stdout, "");
        let (_taken, addr) = listen();
        assert_address_in_use(
            &example(server),
            &[],
            addr,
            &format!("{server}: cannot listen on"),
        );
    }
}

#[test]
fn one_shot_server_prints_an_ipv6_client_as_python_s_4_tuple() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        return; // no IPv6 loopback on this machine
    }
    let (server, addr) = Proc::server(&example("one_shot_server"), &["[::1]:0"]);
    let mut s = connect(addr);
    let client = s.local_addr().unwrap();
    s.write_all(b"hi").unwrap();
    assert_eq!(read_to_close(&mut s), ANSWER.as_bytes());
    let exit = server.wait_exit_0();
    assert!(exit.stdout.contains(&format!(
        "客户端的ip地址和端口号: ('::1', {}, 0, 0)\n",
        client.port()
    )));
}

// ------------------------------------------------------------- hostile peers, careless users

/// The six programs of the two hello crates: (name, path).
fn all_six() -> [(&'static str, PathBuf); 6] {
    [
        ("tcp-hello-server", program("tcp-hello-server")),
        ("tcp-hello-client", program("tcp-hello-client")),
        ("one_shot_server", example("one_shot_server")),
        ("one_shot_client", example("one_shot_client")),
        ("basic_server", example("basic_server")),
        ("basic_client", example("basic_client")),
    ]
}

/// The three clients.
#[cfg(unix)]
const CLIENTS: [&str; 3] = ["tcp-hello-client", "one_shot_client", "basic_client"];

#[test]
fn hello_programs_answer_bad_arguments_with_what_is_wrong_and_the_usage() {
    for (name, path) in all_six() {
        for (args, why) in [
            (&["--bogus"][..], "unknown option `--bogus`"),
            (&["127.0.0.1:0", "extra"], "unexpected argument `extra`"),
            (&["127.0.0.1:0", "-x"], "unknown option `-x`"),
        ] {
            assert_bad_usage(&path, args, why);
        }
        assert_bad_addrs(&path, &[]);
        // --help wins when it comes before any mistake; the first mistake wins otherwise.
        let usage = format!("usage: {name} [ADDR]");
        assert_help(&path, &["--help", "--bogus"], &usage, &[]);
        assert_help(&path, &["127.0.0.1:1", "-h", "extra"], &usage, &[]);
        assert_bad_usage(
            &path,
            &["extra:1", "extra:2", "--help"],
            "unexpected argument `extra:2`",
        );
    }
}

#[cfg(unix)]
#[test]
fn hello_programs_refuse_arguments_that_are_not_utf8() {
    for (_, path) in all_six() {
        assert_bad_usage(
            &path,
            &[not_utf8(b"\xff:0")],
            "argument `\u{FFFD}:0` is not valid UTF-8",
        );
        let args = [
            std::ffi::OsString::from("127.0.0.1:1"),
            not_utf8(b"\xffAnn"),
        ];
        assert_bad_usage(&path, &args, "argument `\u{FFFD}Ann` is not valid UTF-8");
    }
}

/// What the one-shot and basic servers print for the bytes `sent`, and what
/// their clients print for the answer `sent`: Python's repr of the bytes
/// where the Python prints it, the text with control characters escaped
/// where it decodes them.
#[test]
fn hello_programs_show_escape_sequences_from_the_peer_escaped() {
    let repr = "b'\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31m'";
    // The servers, each given the escapes by a raw client.
    for (name, shown) in [
        (
            "one_shot_server",
            format!(
                "接收数据的长度为: {}\n接收客户端的数据为: {ESCAPES_SHOWN}\n",
                ESCAPES.len()
            ),
        ),
        (
            "basic_server",
            format!("connect to client successful\n{repr}\nclosed\n"),
        ),
    ] {
        let (server, addr) = Proc::server(&example(name), &["127.0.0.1:0"]);
        let mut s = connect(addr);
        s.write_all(ESCAPES).unwrap();
        read_to_close(&mut s);
        let exit = server.wait_exit_0();
        assert!(exit.stdout.ends_with(&shown), "{name}: {exit:?}");
        assert!(
            !exit.stdout.contains('\u{1b}'),
            "{name} wrote a raw escape: {exit:?}"
        );
    }
    // The clients, each answered with the escapes by a raw server.
    for (name, shown) in [
        (
            "one_shot_client",
            format!("{repr}\n接收服务端的数据为: {ESCAPES_SHOWN}\n"),
        ),
        (
            "basic_client",
            format!("connect to server successful\n{ESCAPES_SHOWN}\nclosed\n"),
        ),
        ("tcp-hello-client", format!("{ESCAPES_SHOWN}\n").repeat(4)),
    ] {
        let (listener, addr) = listen();
        let client = Proc::start(&path_of(name), &[&addr.to_string()]);
        if name == "tcp-hello-client" {
            answer_the_hello_client(&listener, ESCAPES, [ESCAPES; 3]);
        } else {
            let mut s = accept(&listener);
            expect_bytes(&mut s, first_words(name).as_bytes());
            s.write_all(ESCAPES).unwrap();
        }
        let exit = client.wait_exit_0();
        assert_eq!(exit.stdout, shown, "{name}");
        assert!(
            !exit.stdout.contains('\u{1b}'),
            "{name} wrote a raw escape: {exit:?}"
        );
    }
}

fn path_of(name: &str) -> PathBuf {
    all_six()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, path)| path)
        .expect("one of the six")
}

/// What the one-shot and basic clients send first.
fn first_words(client: &str) -> &'static str {
    if client == "basic_client" {
        "hello"
    } else {
        GREETING
    }
}

/// Starts `path` with a stdout that the reader closes, as `| head -1` does:
/// after passing on the first line if `first_line`, else at once, saying
/// `stdout closed` when it has. Later writes get EPIPE ("Broken pipe").
#[cfg(unix)]
fn with_stdout_closed(path: &std::path::Path, args: &[&str], first_line: bool) -> Proc {
    let reader = if first_line {
        "IFS= read -r line; exec <&-; echo \"$line\""
    } else {
        "exec <&-; echo stdout closed"
    };
    let script = format!("exec \"$0\" \"$@\" > >({reader})");
    let path = path.to_str().expect("a UTF-8 path");
    Proc::start(
        std::path::Path::new("bash"),
        &[&["-c", &script, path][..], args].concat(),
    )
}

#[cfg(unix)]
#[test]
fn hello_programs_finish_their_conversation_when_stdout_is_closed() {
    // Servers: the bound address passes, then stdout is closed.
    let script_server = |name: &str| {
        let mut server = with_stdout_closed(&path_of(name), &["127.0.0.1:0"], true);
        let addr = server.listening_addr();
        server.close_stdin();
        (server, addr)
    };
    let (server, addr) = script_server("tcp-hello-server");
    assert_still_serving(addr);
    assert_still_serving(addr);
    assert_eq!(server.stderr(), "");
    for (name, answer) in [
        ("one_shot_server", ANSWER),
        ("basic_server", "Welcome to connect !"),
    ] {
        let (server, addr) = script_server(name);
        let mut s = connect(addr);
        s.write_all(b"hello").unwrap();
        assert_eq!(read_to_close(&mut s), answer.as_bytes(), "{name}");
        let exit = server.wait_exit();
        assert_eq!(
            (exit.code(), exit.stderr.as_str()),
            (0, ""),
            "{name}: {exit:?}"
        );
    }
    // Clients: stdout is closed before they have anything to print.
    for name in CLIENTS {
        let (listener, addr) = listen();
        let client = with_stdout_closed(&path_of(name), &[&addr.to_string()], false);
        client.wait_stdout("stdout closed", 1);
        if name == "tcp-hello-client" {
            answer_the_hello_client(&listener, b"Welcome!", [b"R1", b"R2", b"R3"]);
        } else {
            let mut s = accept(&listener);
            expect_bytes(&mut s, first_words(name).as_bytes());
            s.write_all(b"ok").unwrap();
            expect_closed(&mut s);
        }
        let exit = client.wait_exit();
        assert_eq!(
            (exit.code(), exit.stderr.as_str()),
            (0, ""),
            "{name}: {exit:?}"
        );
    }
}

/// A stdout that cannot be written (a full disk) ends each client at its
/// first line, with one line on stderr and exit 1, instead of a
/// conversation nobody sees.
#[cfg(target_os = "linux")]
#[test]
fn hello_clients_with_stdout_on_a_full_disk_say_so_and_exit_1() {
    for name in CLIENTS {
        let (listener, addr) = listen();
        let client = Proc::start_stdout_full(&path_of(name), &[&addr.to_string()]);
        let mut s = accept(&listener);
        if name == "tcp-hello-client" {
            s.write_all(b"Welcome!").unwrap();
        } else {
            expect_bytes(&mut s, first_words(name).as_bytes());
            s.write_all(b"ok").unwrap();
        }
        let exit = client.wait_exit();
        let why = "cannot use the console (stdin/stdout): No space left on device (os error 28)";
        assert_eq!(exit.code(), 1, "{name}: {exit:?}");
        assert_eq!(exit.stderr, format!("{name}: {why}\n"), "{name}");
    }
}

/// A server that drops our SYNs (a firewall) gets 10 s, then the client
/// says that the connect timed out, naming the address it tried.
#[cfg(target_os = "linux")]
#[test]
fn hello_clients_give_up_a_connect_after_10_s() {
    let waits: Vec<_> = CLIENTS
        .map(|name| {
            thread::spawn(move || {
                let (_listener, _queued, addr) = silent_addr();
                let started = Instant::now();
                let client = Proc::start(&path_of(name), &[&addr.to_string()]);
                let exit = client.wait_exit_after(Duration::from_secs(10));
                let took = started.elapsed();
                assert!(
                    took >= Duration::from_millis(9500),
                    "{name} gave up after {took:?}"
                );
                assert_one_line_error(
                    &exit,
                    1,
                    &format!("{name}: cannot connect to {addr}: "),
                    &["timed out", "10 s"],
                );
                assert_eq!(exit.stdout, "", "{name}");
            })
        })
        .into();
    for wait in waits {
        wait.join().expect("a client did not give up in time");
    }
}

/// The port-1 server of a user who may not listen there: the hint says why,
/// without claiming that every OS reserves the ports below 1024. Run as
/// `nobody` when the tests run as root (Linux, with setpriv); skipped where
/// neither can show it.
#[cfg(target_os = "linux")]
#[test]
fn hello_servers_on_a_reserved_port_say_it_may_be_reserved() {
    let unprivileged = std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start");
    let low_ports_reserved = unprivileged.is_ok_and(|n| n.trim().parse() != Ok(0));
    let as_nobody = std::process::Command::new("id").arg("-u").output();
    let is_root = as_nobody.is_ok_and(|o| o.stdout == b"0\n");
    let setpriv = std::path::Path::new("/usr/bin/setpriv");
    if !low_ports_reserved || (is_root && !setpriv.exists()) {
        eprintln!("skipped: no port this user may not listen on");
        return;
    }
    for name in ["tcp-hello-server", "one_shot_server", "basic_server"] {
        let path = path_of(name);
        let path = path.to_str().unwrap();
        let mut server = if is_root {
            let user = ["--reuid=65534", "--regid=65534", "--clear-groups"];
            Proc::start(setpriv, &[&user[..], &[path, "127.0.0.1:1"]].concat())
        } else {
            Proc::start(std::path::Path::new(path), &["127.0.0.1:1"])
        };
        server.close_stdin();
        let exit = server.wait_exit();
        assert_one_line_error(
            &exit,
            1,
            &format!("{name}: cannot listen on 127.0.0.1:1: "),
            &["that port may be reserved (below 1024 needs root on Unix)"],
        );
    }
}

/// The one-shot and basic clients against a server that goes wrong in
/// `how`: each must end with one line on stderr that names the step, the
/// address and what happened, exit 1. Returns the stderr line.
fn against_a_bad_peer(name: &str, how: &str) -> String {
    let patience = Duration::from_secs(if how == "silent" { 10 } else { 0 });
    let started = Instant::now();
    let (listener, addr) = listen();
    let client = Proc::example(name, &[&addr.to_string()]);
    let mut s = accept(&listener);
    let sent = first_words(name);
    let exit = match how {
        "closes at once" => {
            expect_bytes(&mut s, sent.as_bytes());
            drop(s);
            client.wait_exit()
        }
        // Closing with the greeting unread in our buffer sends a reset.
        "resets" => {
            wait_unread(&s, sent.len());
            drop(s);
            client.wait_exit()
        }
        _ => {
            expect_bytes(&mut s, sent.as_bytes());
            client.wait_exit_after(patience) // `s` stays open and says nothing
        }
    };
    assert!(
        started.elapsed() >= patience,
        "{name} gave up on a silent peer too early"
    );
    assert_one_line_error(
        &exit,
        1,
        &format!("{name}: cannot receive from {addr}: "),
        &[],
    );
    assert!(
        !exit.stdout.contains("closed\n"),
        "{name} went on as if answered: {exit:?}"
    );
    exit.stderr.trim_end().to_string()
}

#[test]
fn one_shot_and_basic_clients_say_when_the_server_closes_without_a_word() {
    for name in ["one_shot_client", "basic_client"] {
        let line = against_a_bad_peer(name, "closes at once");
        assert!(
            line.ends_with("the server closed without answering"),
            "{name}: {line}"
        );
    }
}

#[test]
fn one_shot_and_basic_clients_name_the_step_and_address_of_a_reset() {
    for name in ["one_shot_client", "basic_client"] {
        let line = against_a_bad_peer(name, "resets");
        assert!(line.contains("reset"), "{name}: {line}");
    }
}

#[test]
fn one_shot_and_basic_clients_give_up_on_a_server_silent_for_10_s() {
    let waits: Vec<_> = ["one_shot_client", "basic_client"]
        .map(|name| {
            (
                name,
                thread::spawn(move || against_a_bad_peer(name, "silent")),
            )
        })
        .into();
    for (name, wait) in waits {
        let line = wait.join().unwrap_or_else(|_| panic!("{name} failed"));
        assert!(line.contains("10 s"), "{name}: {line}");
    }
}

/// The two one-client servers.
const ONE_TURN_SERVERS: [&str; 2] = ["one_shot_server", "basic_server"];

/// A client that says `hello` to `server` (one of [`ONE_TURN_SERVERS`],
/// listening at `addr`) gets the article's answer and close; the server
/// ends with exit 0, the article's last lines on stdout, and on stderr
/// exactly `let_go`, the line of each client it let go before.
fn assert_serves_the_next(server: Proc, name: &str, addr: SocketAddr, let_go: &[String]) {
    let mut s = connect(addr);
    s.set_read_timeout(Some(DEADLINE * 2)).unwrap(); // after a silent client's 10 s
    s.write_all(b"hello").unwrap();
    let (answer, last_lines) = if name == "basic_server" {
        (
            "Welcome to connect !",
            "connect to client successful\nb'hello'\nclosed\n",
        )
    } else {
        (ANSWER, "接收数据的长度为: 5\n接收客户端的数据为: hello\n")
    };
    assert_eq!(read_to_close(&mut s), answer.as_bytes(), "{name}");
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{name}: {exit:?}");
    assert!(exit.stdout.ends_with(last_lines), "{name}: {exit:?}");
    let expected: String = let_go.iter().map(|l| format!("{name}: {l}\n")).collect();
    assert_eq!(exit.stderr, expected, "{name}");
}

/// A port scan: connect and close at once. The article's server would
/// print `b''`, answer nobody and exit; ours waits for the next client.
#[test]
fn one_shot_and_basic_servers_serve_the_next_client_after_one_that_closes_without_a_word() {
    for name in ONE_TURN_SERVERS {
        let (server, addr) = Proc::server(&example(name), &["127.0.0.1:0"]);
        let scan = connect_and_leave(&server, addr);
        let line = format!("{scan} left without a word, waiting for the next client");
        assert_serves_the_next(server, name, addr, &[line]);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn one_shot_and_basic_servers_serve_the_next_client_after_one_that_resets() {
    for name in ONE_TURN_SERVERS {
        let (server, addr) = Proc::server(&example(name), &["127.0.0.1:0"]);
        let s = connect(addr);
        let reset = s.local_addr().unwrap();
        // Reset once accepted, so that the server's recv sees it.
        if name == "basic_server" {
            server.wait_stdout("connect to client successful\n", 1);
        } else {
            server.wait_stdout("客户端的ip地址和端口号", 1);
        }
        close_with_a_reset(s);
        server.wait_stderr(&reset.to_string());
        let line = format!("{reset} left without a word, waiting for the next client");
        assert_serves_the_next(server, name, addr, &[line]);
    }
}

/// A silent client (`nc` left open) is let go after 10 s; the next one,
/// waiting in the backlog meanwhile, is served.
#[test]
fn one_shot_and_basic_servers_let_a_client_silent_for_10_s_go_and_serve_the_next() {
    let waits: Vec<_> = ONE_TURN_SERVERS
        .map(|name| {
            thread::spawn(move || {
                let started = Instant::now();
                let (server, addr) = Proc::server(&example(name), &["127.0.0.1:0"]);
                let silent = connect(addr);
                let quiet = silent.local_addr().unwrap();
                let line = format!("{quiet} sent nothing for 10 s, waiting for the next client");
                assert_serves_the_next(server, name, addr, &[line]);
                let waited = started.elapsed();
                assert!(
                    waited >= Duration::from_secs(10),
                    "{name} let go after {waited:?}"
                );
            })
        })
        .into();
    for wait in waits {
        wait.join().expect("a server failed");
    }
}

#[test]
fn one_shot_and_basic_servers_pause_after_a_failed_accept() {
    for name in ONE_TURN_SERVERS {
        assert_failed_accepts_pause(&example(name), &["127.0.0.1:0"]);
    }
}

/// Closes `s` with a reset instead of a FIN: SO_LINGER on, with a linger
/// time of 0 (std has no call for it: libc's setsockopt).
#[cfg(target_os = "linux")]
fn close_with_a_reset(s: TcpStream) {
    use std::os::fd::AsRawFd;
    #[repr(C)]
    struct Linger {
        l_onoff: i32,
        l_linger: i32,
    }
    unsafe extern "C" {
        fn setsockopt(fd: i32, level: i32, name: i32, value: *const Linger, len: u32) -> i32;
    }
    const SOL_SOCKET: i32 = 1; // Linux's values
    const SO_LINGER: i32 = 13;
    let linger = Linger {
        l_onoff: 1,
        l_linger: 0,
    };
    let len = std::mem::size_of::<Linger>() as u32;
    // SAFETY: the descriptor is the stream's own, open until it is dropped
    // below; `linger` outlives the call, and `len` is its size.
    let rc = unsafe { setsockopt(s.as_raw_fd(), SOL_SOCKET, SO_LINGER, &linger, len) };
    assert_eq!(rc, 0, "SO_LINGER: {}", std::io::Error::last_os_error());
    drop(s);
}

#[test]
fn hello_server_keeps_serving_after_each_hostile_client() {
    let (server, addr) = hello_server();
    // Connects and leaves at once, as a port scan does.
    let scan = connect(addr);
    let scan_addr = scan.local_addr().unwrap();
    drop(scan);
    server.wait_stdout(&format!("Connection from {scan_addr} closed.\n"), 1);
    assert_still_serving(addr);
    // Sends escape sequences: they go back on the wire untouched.
    let mut s = welcomed(addr);
    s.write_all(ESCAPES).unwrap();
    expect_bytes(&mut s, &[b"Hello, ", ESCAPES, b"!"].concat());
    drop(s);
    assert_still_serving(addr);
    // Half of a UTF-8 character, then a half-close.
    let mut s = welcomed(addr);
    s.write_all(b"\xe4\xbd").unwrap();
    expect_bytes(&mut s, "Hello, \u{FFFD}!".as_bytes());
    s.shutdown(Shutdown::Write).unwrap();
    expect_closed(&mut s);
    assert_still_serving(addr);
    // Six clients came; the server printed its own lines for each, and
    // nothing a client chose.
    server.wait_stdout("Accept new connection from 127.0.0.1:", 6);
    server.wait_stdout(" closed.\n", 6);
    let lines = server.stdout();
    let own = |l: &&str| {
        l.starts_with("Listening on ")
            || *l == "Waiting for connection..."
            || (l.starts_with("Accept new connection from 127.0.0.1:") && l.ends_with("..."))
            || (l.starts_with("Connection from 127.0.0.1:") && l.ends_with(" closed."))
    };
    let others: Vec<&str> = lines.lines().filter(|l| !own(l)).collect();
    assert!(others.is_empty(), "lines a client chose: {others:?}");
}
