//! Article 002's python聊天室 (`chatroom_server`, `chatroom_client`, examples
//! of tcp-chat) as processes on real sockets: the article's prints and
//! bytes, where its code misbehaves what its text means, and hostile input.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;
use tests::*;

const WELCOME: &[u8] = b"welcome to connect !";
const CHOOSE: &str = "请选择:任意.继续聊天  0.退出";
const REFUSED: &str =
    "not sent: a line is at most 1024 bytes, what the peer reads at once; type less";

fn server() -> (Proc, SocketAddr) {
    Proc::server(&example("chatroom_server"), &["127.0.0.1:0"])
}

fn client(addr: SocketAddr) -> Proc {
    Proc::example("chatroom_client", &[&addr.to_string()])
}

/// The escape sequences, DEL, the C1 control U+009B, a tab and both quotes:
/// Python's repr() of these bytes is what print(data) shows.
fn hostile() -> Vec<u8> {
    [ESCAPES, "\x7f\u{9b}\tit's \"q\" \\".as_bytes()].concat()
}
const HOSTILE_REPR: &str = r#"b'\x1b]0;pwned\x07\x1b[2J\x1b[31m\x7f\xc2\x9b\tit\'s "q" \\'"#;

#[test]
fn chatroom_pair_takes_turns_until_the_client_chooses_0() {
    let (mut server, addr) = server();
    server.type_in("hi there\n你好\n");
    server.close_stdin();
    let mut client = client(addr);
    // An empty answer to 请选择 is "any key": go on. `0` quits.
    client.type_in("hello\n\nagain\n0\n");
    client.close_stdin();
    let (server, client) = both_exit_0(server, client);
    let port = server
        .stdout
        .lines()
        .nth(2)
        .and_then(|l| l.strip_prefix("('127.0.0.1', "));
    let port = port
        .and_then(|l| l.strip_suffix(") is connected"))
        .unwrap_or_else(|| panic!("{server:?}"));
    assert_eq!(
        server.stdout,
        format!(
            "Listening on {addr}\nis listening...\n('127.0.0.1', {port}) is connected\n\
             收到客户端消息: b'hello'\n请输入:\n已发送\n收到客户端消息: b'again'\n请输入:\n已发送\n"
        )
    );
    assert_eq!(
        server.stderr,
        format!(
            "chatroom_server: client 127.0.0.1:{port} closed the connection, the chat is over\n"
        )
    );
    assert_eq!(
        client.stdout,
        format!(
            "连接成功!\n收到服务端内容:\nb'welcome to connect !'\n\
             请输入:\n已发送!\n收到服务端内容:\nb'hi there'\n{CHOOSE}\n\
             请输入:\n已发送!\n收到服务端内容:\nb'\\xe4\\xbd\\xa0\\xe5\\xa5\\xbd'\n{CHOOSE}\n"
        )
    );
    assert_eq!(client.stderr, "");
}

#[test]
fn chatroom_server_speaks_the_articles_bytes_and_shows_what_it_got_as_python_bytes() {
    let (mut server, addr) = server();
    let mut peer = connect(addr);
    let port = peer.local_addr().unwrap().port();
    expect_bytes(&mut peer, WELCOME);
    peer.write_all(b"hello").unwrap();
    server.wait_stdout("请输入:", 1);
    server.type_in("\nanswer\n"); // an empty line is asked again, not sent
    expect_bytes(&mut peer, b"answer"); // no newline on the wire, as in Python
    peer.write_all(&hostile()).unwrap();
    server.wait_stdout("请输入:", 3);
    server.close_stdin();
    expect_closed(&mut peer);
    let exit = server.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\nis listening...\n('127.0.0.1', {port}) is connected\n\
             收到客户端消息: b'hello'\n请输入:\n请输入:\n已发送\n收到客户端消息: {HOSTILE_REPR}\n请输入:\n"
        )
    );
    assert_eq!(
        exit.stderr,
        "chatroom_server: end of input, closing the connection\n"
    );
}

#[test]
fn chatroom_server_waits_for_the_next_client_when_one_leaves_without_a_word() {
    let (mut server, addr) = server();
    let scan_port = connect_and_leave(&server, addr).port();
    let mut peer = connect(addr);
    let port = peer.local_addr().unwrap().port();
    expect_bytes(&mut peer, WELCOME);
    peer.write_all(b"hello").unwrap();
    server.wait_stdout("请输入:", 1);
    server.type_in("bye\n");
    expect_bytes(&mut peer, b"bye");
    drop(peer); // the article's server would go on printing b'' and prompting
    let exit = server.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\nis listening...\n('127.0.0.1', {scan_port}) is connected\n\
             ('127.0.0.1', {port}) is connected\n收到客户端消息: b'hello'\n请输入:\n已发送\n"
        )
    );
    assert_eq!(
        exit.stderr,
        format!(
            "chatroom_server: client 127.0.0.1:{scan_port} left without a word, waiting for the next one\n\
             chatroom_server: client 127.0.0.1:{port} closed the connection, the chat is over\n"
        )
    );
}

#[test]
fn chatroom_client_reads_the_welcome_first_so_each_answer_comes_in_its_turn_and_0_quits() {
    let (listener, addr) = listen();
    let mut client = client(addr);
    let mut peer = accept(&listener);
    peer.write_all(WELCOME).unwrap();
    client.wait_stdout("请输入:", 1);
    client.type_in("hello\n");
    expect_bytes(&mut peer, b"hello");
    peer.write_all(&hostile()).unwrap();
    client.wait_stdout(CHOOSE, 1);
    // Any answer but 0 goes on (here an empty one); an empty message is asked again.
    client.type_in("\n\nagain\n");
    expect_bytes(&mut peer, b"again");
    peer.write_all(b"ok").unwrap();
    client.wait_stdout(CHOOSE, 2);
    client.type_in("0\n");
    expect_closed(&mut peer);
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!(
            "连接成功!\n收到服务端内容:\nb'welcome to connect !'\n\
             请输入:\n已发送!\n收到服务端内容:\n{HOSTILE_REPR}\n{CHOOSE}\n\
             请输入:\n请输入:\n已发送!\n收到服务端内容:\nb'ok'\n{CHOOSE}\n"
        )
    );
    assert_eq!(exit.stderr, "");
}

#[test]
fn chatroom_client_says_nothing_received_when_the_server_closes() {
    let (listener, addr) = listen();
    let mut client = client(addr);
    let mut peer = accept(&listener);
    peer.write_all(WELCOME).unwrap();
    client.type_in("hello\n");
    expect_bytes(&mut peer, b"hello");
    drop(peer);
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        "连接成功!\n收到服务端内容:\nb'welcome to connect !'\n请输入:\n已发送!\n未收到数据\n"
    );
    assert_eq!(
        exit.stderr,
        format!("chatroom_client: server {addr} closed the connection, the chat is over\n")
    );
}

#[test]
fn chatroom_client_quits_at_end_of_input() {
    let (listener, addr) = listen();
    let mut client = client(addr);
    let mut peer = accept(&listener);
    peer.write_all(WELCOME).unwrap();
    client.close_stdin();
    expect_closed(&mut peer);
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        "连接成功!\n收到服务端内容:\nb'welcome to connect !'\n请输入:\n"
    );
    assert_eq!(exit.stderr, "chatroom_client: end of input, quitting\n");
}

#[cfg(unix)]
#[test]
fn chatroom_bad_usage_says_what_is_wrong_and_exits_2() {
    let os = |args: &[&str]| {
        args.iter()
            .map(std::ffi::OsString::from)
            .collect::<Vec<_>>()
    };
    let cases = [
        (os(&["--bogus"]), "unknown option `--bogus`"),
        (
            vec![not_utf8(b"\xff:0")],
            "argument `\u{fffd}:0` is not valid UTF-8",
        ),
        (os(&["127.0.0.1:1", "x"]), "unexpected argument `x`"),
    ];
    for name in ["chatroom_server", "chatroom_client"] {
        for (args, why) in &cases {
            assert_bad_usage(&example(name), args, why);
        }
        assert_bad_addrs(&example(name), &[]);
        let start = format!("usage: {name} [ADDR]");
        assert_help(
            &example(name),
            &["127.0.0.1:1", "--help"],
            &start,
            &["127.0.0.1:9000"],
        );
    }
}

#[test]
fn chatroom_client_without_a_server_and_server_on_a_busy_address_say_so() {
    let start = "chatroom_client: cannot connect to";
    let exit = assert_no_server(
        &example("chatroom_client"),
        &[],
        unused_addr(),
        start,
        "chatroom_server",
    );
    assert_eq!(exit.stdout, "");
    let (_listener, busy) = listen();
    assert_address_in_use(
        &example("chatroom_server"),
        &[],
        busy,
        "chatroom_server: cannot listen on",
    );
}

#[test]
fn chatroom_pair_refuses_a_line_over_1024_bytes_and_asks_again() {
    // Sent whole, 10 MiB would block both programs in write_all for good,
    // and 1025 bytes would reach the peer's recv(1024) in two turns.
    let (mut server, addr) = server();
    let mut client = client(addr);
    client.type_in(&format!("{}\nhello\n0\n", "x".repeat(10 << 20)));
    client.close_stdin();
    server.wait_stdout("请输入:", 1);
    server.type_in(&format!("{}\nhi\n", "y".repeat(1025)));
    server.close_stdin();
    let (server, client) = both_exit_0(server, client);
    let port = client_port(&server.stdout);
    assert_eq!(
        server.stdout,
        format!(
            "Listening on {addr}\nis listening...\n('127.0.0.1', {port}) is connected\n\
             收到客户端消息: b'hello'\n请输入:\n请输入:\n已发送\n"
        )
    );
    assert_eq!(
        server.stderr,
        format!(
            "chatroom_server: {REFUSED}\n\
             chatroom_server: client 127.0.0.1:{port} closed the connection, the chat is over\n"
        )
    );
    assert_eq!(
        client.stdout,
        format!(
            "连接成功!\n收到服务端内容:\nb'welcome to connect !'\n\
             请输入:\n请输入:\n已发送!\n收到服务端内容:\nb'hi'\n{CHOOSE}\n"
        )
    );
    assert_eq!(client.stderr, format!("chatroom_client: {REFUSED}\n"));
}

/// The client's port in a chatroom_server transcript (`('127.0.0.1', PORT) is connected`).
fn client_port(stdout: &str) -> &str {
    let port = stdout
        .lines()
        .nth(2)
        .and_then(|l| l.strip_prefix("('127.0.0.1', "));
    port.and_then(|l| l.strip_suffix(") is connected"))
        .unwrap_or_else(|| panic!("{stdout:?}"))
}

#[test]
fn chatroom_client_gives_up_on_a_welcome_that_does_not_come_within_10_s() {
    // A server that accepts and never greets, and a chatroom_server held by
    // a silent connection (the next client waits in its backlog, unwelcomed).
    let (silent, silent_addr) = listen();
    let (_held, held_addr) = server();
    let holder = connect(held_addr);
    let clients = [client(silent_addr), client(held_addr)];
    let _greeted_nobody = accept(&silent);
    for (proc, addr) in clients.into_iter().zip([silent_addr, held_addr]) {
        let exit = proc.wait_exit_after(Duration::from_secs(10));
        assert_eq!(exit.stdout, "连接成功!\n");
        assert_one_line_error(
            &exit,
            1,
            &format!("chatroom_client: the chat with {addr}: "),
            &["no answer within 10 s: not chatroom_server, or busy with another client?"],
        );
    }
    drop(holder);
}

#[test]
fn chatroom_client_waits_as_long_as_the_person_at_the_server_takes_to_answer() {
    // Only the welcome is due at once; an answer is typed by a person. The
    // client is at chatroom_server's `请输入:` while the test waits longer
    // than the welcome may take (10 s) before it answers: the client's
    // own give-up on a missing welcome, in the test above, is the clock.
    let (listener, addr) = listen();
    let mut client = client(addr);
    let mut peer = accept(&listener);
    peer.write_all(WELCOME).unwrap();
    client.type_in("hello\n0\n");
    expect_bytes(&mut peer, b"hello");
    let (silent, silent_addr) = listen();
    let unwelcomed = Proc::example("chatroom_client", &[&silent_addr.to_string()]);
    let _greeted_nobody = accept(&silent);
    let gave_up = unwelcomed.wait_exit_after(Duration::from_secs(10));
    assert_eq!(gave_up.code(), 1, "{gave_up:?}");
    peer.write_all(b"at last").unwrap();
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!(
            "连接成功!\n收到服务端内容:\nb'welcome to connect !'\n请输入:\n已发送!\n收到服务端内容:\nb'at last'\n{CHOOSE}\n"
        )
    );
    assert_eq!(exit.stderr, "");
}

/// The rest of a refused line is skipped, never sent as a message of its
/// own: here a line of 64 MiB and 10 bytes, longer than any one read.
#[test]
fn chatroom_client_never_sends_the_tail_of_a_refused_line() {
    let (listener, addr) = listen();
    let mut client = client(addr);
    let mut peer = accept(&listener);
    peer.write_all(WELCOME).unwrap();
    client.type_in(&format!("{}tail-of-it\nhello\n", "x".repeat(64 << 20)));
    expect_bytes(&mut peer, b"hello");
    drop(peer);
    let exit = client.wait_exit_0();
    assert!(
        exit.stderr
            .starts_with(&format!("chatroom_client: {REFUSED}\n")),
        "{exit:?}"
    );
}

/// A server that drops our SYNs: the connect gives up after 10 s, saying so.
#[cfg(target_os = "linux")]
#[test]
fn chatroom_client_gives_up_connecting_after_10_s() {
    let (_listener, _queued, addr) = silent_addr();
    let mut client = client(addr);
    client.close_stdin();
    let exit = client.wait_exit_after(Duration::from_secs(10));
    assert_one_line_error(
        &exit,
        1,
        &format!("chatroom_client: cannot connect to {addr}: "),
        &["timed out", "no answer within 10 s"],
    );
    assert_eq!(exit.stdout, "");
}

/// A client that connects, takes the welcome and says nothing (`nc` left
/// open) is let go after IDLE_SECS, and the next client gets the chat.
#[test]
fn chatroom_server_lets_a_silent_client_go_and_takes_the_next() {
    let env = [("IDLE_SECS", "1")];
    let (mut server, addr) = Proc::server_with(&example("chatroom_server"), &["127.0.0.1:0"], &env);
    let mut silent = connect(addr);
    let silent_port = silent.local_addr().unwrap().port();
    let mut peer = connect(addr); // waits in the backlog meanwhile
    peer.write_all(b"hello").unwrap();
    expect_bytes(&mut silent, WELCOME);
    expect_closed(&mut silent); // let go
    expect_bytes(&mut peer, WELCOME);
    server.wait_stdout("请输入:", 1);
    server.type_in("hi\n");
    expect_bytes(&mut peer, b"hi");
    let port = peer.local_addr().unwrap().port();
    drop(peer);
    let exit = server.wait_exit_0();
    assert_eq!(
        exit.stderr,
        format!(
            "chatroom_server: client 127.0.0.1:{silent_port} said nothing for 1 s, waiting for the next one\n\
             chatroom_server: client 127.0.0.1:{port} closed the connection, the chat is over\n"
        )
    );
}

/// A full disk under stdout ends the client with one line, exit 1.
#[cfg(target_os = "linux")]
#[test]
fn chatroom_client_with_stdout_on_a_full_disk_says_so() {
    let (listener, addr) = listen();
    let mut client = Proc::start_stdout_full(&example("chatroom_client"), &[&addr.to_string()]);
    let mut peer = accept(&listener);
    peer.write_all(WELCOME).unwrap();
    client.type_in("hello\n");
    let exit = client.wait_exit();
    assert_eq!(
        (exit.code(), exit.stderr.as_str()),
        (
            1,
            "chatroom_client: cannot use the console (stdin/stdout): No space left on device (os error 28)\n"
        ),
        "{exit:?}"
    );
}
