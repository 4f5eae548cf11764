//! udp-chat (the UDP chat of articles 000/002) and its duplex example as
//! processes on real sockets.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};
use tests::*;

const PROMPT: &str = "请输入:";

fn server() -> (Proc, SocketAddr) {
    Proc::server(&program("udp-chat"), &["server", "127.0.0.1:0"])
}

fn client(addr: SocketAddr) -> Proc {
    Proc::program("udp-chat", &["client", &addr.to_string()])
}

fn duplex_server() -> (Proc, SocketAddr) {
    Proc::server(&example("udp_chat_duplex"), &["server", "127.0.0.1:0"])
}

fn duplex_client(addr: SocketAddr) -> Proc {
    Proc::example("udp_chat_duplex", &["client", &addr.to_string()])
}

/// Receives one datagram (bounded by the deadline) and returns it with its sender.
fn recv(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = [0; 2048];
    let (n, from) = recv_from(socket, &mut buf).expect("a datagram within the deadline");
    (buf[..n].to_vec(), from)
}

/// Checks that nothing has reached `socket`. Called once the program has
/// sent its last datagram elsewhere: on loopback a datagram is in the
/// receiver's queue when `send` returns, so one sent earlier would be there.
fn assert_nothing_received(socket: &UdpSocket) {
    socket.set_nonblocking(true).unwrap();
    let got = recv_from(socket, &mut [0; 2048]);
    assert!(
        matches!(&got, Err(e) if e.kind() == io::ErrorKind::WouldBlock),
        "a stranger got {got:?}"
    );
}

/// What a hostile peer sends: [`ESCAPES`], then tab (kept), a C1 control
/// (U+009B, a one-byte CSI to some terminals) and DEL.
fn hostile() -> Vec<u8> {
    [ESCAPES, "\t\u{9b}\x7f".as_bytes()].concat()
}

/// How [`hostile`] must appear on stdout.
fn hostile_shown() -> String {
    format!("{ESCAPES_SHOWN}\t\\u{{9b}}\\u{{7f}}")
}

/// With stdin piped, no Enter is echoed after `请输入:`: the program ends
/// the prompt's line itself, so each message is on a line of its own.
#[test]
fn udp_chat_takes_turns_client_first_until_the_client_says_88() {
    assert_chat_takes_turns_until_the_client_says_88("udp-chat");
}

#[test]
fn udp_chat_88_from_the_server_ends_both() {
    assert_chat_88_from_the_server_ends_both("udp-chat");
}

/// End of input at `请输入:` says 88, on a line of its own: the prompt's
/// line is ended on stdout before the notice goes to stderr.
#[test]
fn udp_chat_end_of_input_on_either_side_says_88_after_ending_the_prompt_line() {
    assert_chat_end_of_input_at_the_client_says_88("udp-chat");
    assert_chat_end_of_input_at_the_server_says_88("udp-chat");
}

/// The chat is with the first client that speaks: a stranger is neither
/// shown nor answered, and its 88 ends nothing. (Before, the server
/// answered whoever spoke last, so any host that could reach the port
/// joined the chat, and a stranger's 88 ended it.)
#[test]
fn udp_chat_server_keeps_to_its_first_client_and_ignores_strangers() {
    let (mut server, addr) = server();
    let (client, stranger) = (udp_socket(), udp_socket());
    client.send_to(b"hello", addr).unwrap();
    server.wait_stdout(PROMPT, 1);
    server.type_in("to you\n");
    assert_eq!(recv(&client), (b"to you".to_vec(), addr)); // no newline, from the server's port
    stranger.send_to(b"caf\xe9 from a stranger", addr).unwrap();
    stranger.send_to(b"88", addr).unwrap(); // ends nothing
    client.send_to(b"more", addr).unwrap();
    server.wait_stdout("收到客户端消息: more\n", 1);
    server.type_in("88\n");
    assert_eq!(recv(&client), (b"88".to_vec(), addr));
    let exit = server.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n收到客户端消息: hello\n请输入:\n收到客户端消息: more\n请输入:\n"
        )
    );
    let ignored = format!(
        "udp-chat server: ignoring stranger {}\n",
        stranger.local_addr().unwrap()
    );
    assert_eq!(exit.stderr, ignored.repeat(2));
    assert_nothing_received(&stranger);
}

/// Each line is one datagram, without its newline; an empty line is an
/// empty datagram, as Python's `sendto(b'')` sends it. A line over 1024
/// bytes is refused and asked again.
#[test]
fn udp_chat_client_speaks_the_articles_bytes_to_a_raw_server() {
    let peer = udp_socket();
    let addr = peer.local_addr().unwrap();
    let mut client = client(addr);
    client.type_in("\n");
    let (data, from) = recv(&peer);
    assert_eq!(data, b"");
    peer.send_to(b"\xffok", from).unwrap();
    client.wait_stdout("收到服务端消息", 1);
    client.type_in(&format!("{}\n你好\n", "x".repeat(1025)));
    assert_eq!(recv(&peer), ("你好".as_bytes().to_vec(), from));
    peer.send_to(b"", from).unwrap();
    client.wait_stdout("收到服务端消息", 2);
    client.type_in("88\n");
    assert_eq!(recv(&peer), (b"88".to_vec(), from));
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        "请输入:\n收到服务端消息: \u{fffd}ok\n请输入:\n请输入:\n收到服务端消息: \n请输入:\n"
    );
    let refused = "udp-chat client: not sent: a line is at most 1024 bytes; type less\n";
    assert_eq!(exit.stderr, refused);
}

/// Its socket is connected to the server: a stranger who finds the
/// client's port is not heard, and its 88 ends nothing.
#[test]
fn udp_chat_client_hears_its_server_only() {
    let (mut client, peer, client_addr) = client_beset_by_a_stranger(&program("udp-chat"));
    client.wait_stdout("收到服务端消息", 1);
    client.type_in("88\n");
    assert_eq!(recv(&peer), (b"88".to_vec(), client_addr));
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        "请输入:\n收到服务端消息: the real one\n请输入:\n"
    );
}

/// Starts the client at `path` with a raw server, `hi` typed; once the
/// client has spoken, a stranger sends it `I am your server` and `88`, then
/// the server sends `the real one`. Returns the client, the server's socket
/// and the client's address.
fn client_beset_by_a_stranger(path: &Path) -> (Proc, UdpSocket, SocketAddr) {
    let peer = udp_socket();
    let mut client = Proc::start(path, &["client", &peer.local_addr().unwrap().to_string()]);
    client.type_in("hi\n");
    let (_, client_addr) = recv(&peer);
    let stranger = udp_socket();
    stranger.send_to(b"I am your server", client_addr).unwrap();
    stranger.send_to(b"88", client_addr).unwrap();
    peer.send_to(b"the real one", client_addr).unwrap();
    (client, peer, client_addr)
}

/// Terminal escape sequences from the peer are shown, not obeyed.
#[test]
fn udp_chat_shows_escape_sequences_escaped_on_both_sides() {
    assert_escapes_shown("udp-chat", &program("udp-chat"));
}

/// Each role of `name` at `path` shows a hostile peer's text escaped.
fn assert_escapes_shown(name: &str, path: &Path) {
    let shown = hostile_shown();
    // The server, from a raw client.
    let (mut server, addr) = Proc::server(path, &["server", "127.0.0.1:0"]);
    let peer = udp_socket();
    peer.send_to(&hostile(), addr).unwrap();
    server.wait_stdout("收到客户端消息", 1);
    server.type_in("88\n");
    assert_eq!(recv(&peer).0, b"88");
    let exit = server.wait_exit();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n收到客户端消息: {shown}\n{}",
            prompt(name)
        )
    );

    // The client, from a raw server.
    let peer = udp_socket();
    let mut client = Proc::start(path, &["client", &peer.local_addr().unwrap().to_string()]);
    client.type_in("hi\n");
    let (_, client_addr) = recv(&peer);
    peer.send_to(&hostile(), client_addr).unwrap();
    client.wait_stdout("收到服务端消息", 1);
    client.type_in("88\n");
    assert_eq!(recv(&peer).0, b"88");
    let exit = client.wait_exit();
    assert_eq!(
        exit.stdout,
        format!("{0}收到服务端消息: {shown}\n{0}", prompt(name)),
        "{name}"
    );
}

/// The turn-taking chat prompts, and ends the prompt's line when stdin is
/// piped; the duplex example does not prompt.
fn prompt(name: &str) -> &'static str {
    if name == "udp-chat" {
        "请输入:\n"
    } else {
        ""
    }
}

#[test]
fn udp_chat_client_without_a_server_says_so_instead_of_waiting() {
    let (start, hint) = (
        "udp-chat client: no server at",
        "cargo run -p udp-chat -- server",
    );
    let exit = assert_no_server(
        &program("udp-chat"),
        &["client"],
        unused_udp_addr(),
        start,
        hint,
    );
    assert_eq!(exit.stdout, format!("{PROMPT}\n"));
}

#[test]
fn udp_chat_client_ends_cleanly_when_the_server_has_gone() {
    let (mut server, addr) = server();
    let mut client = client(addr);
    client.type_in("hello\n");
    server.wait_stdout(PROMPT, 1);
    server.type_in("hi\n");
    client.wait_stdout("收到服务端消息: hi\n", 1);
    drop(server); // killed while the client's user is typing
    client.type_in("still there?\n");
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stderr,
        format!("udp-chat client: {addr} has gone, the chat is over\n")
    );
}

#[test]
fn udp_chat_server_on_an_address_in_use_says_so() {
    let taken = udp_socket();
    let addr = taken.local_addr().unwrap();
    assert_address_in_use(
        &program("udp-chat"),
        &["server"],
        addr,
        "udp-chat server: cannot bind",
    );
}

/// Bad usage is one line that says what is wrong, then the usage, exit 2:
/// never a panic (bytes that are not UTF-8), a name lookup (`--bogus`,
/// `:9000`) or exit 1. With no role at all, the line says how to start
/// both sides (issue 15).
#[test]
fn udp_chat_answers_bad_usage_with_what_is_wrong_and_the_usage() {
    #[cfg(unix)] // raw argument bytes
    assert_two_role_bad_usages(&program("udp-chat"), "cargo run -p udp-chat --");
    assert_help_before_any_mistake("udp-chat", &program("udp-chat"));
}

/// Checks that -h or --help before any mistake shows the usage of `name`
/// at `path`, with its defaults.
fn assert_help_before_any_mistake(name: &str, path: &Path) {
    for args in [
        &["--help"][..],
        &["server", "-h"],
        &["client", "127.0.0.1:1", "--help"],
    ] {
        assert_help(
            path,
            args,
            &format!("usage: {name} server [ADDR]"),
            &["127.0.0.1:9000"],
        );
    }
}

// The duplex example: both sides type at any time.

#[test]
fn udp_chat_duplex_bursts_from_both_sides_all_arrive_in_order() {
    let (server, addr) = duplex_server();
    let mut client = duplex_client(addr);
    // The server talks with the first client that speaks, so the client speaks first.
    client.type_in("hello\n");
    server.wait_stdout("收到客户端消息: hello\n", 1);
    assert_duplex_bursts_arrive_in_order(server, client, 1);
}

#[test]
fn udp_chat_duplex_server_says_when_nobody_has_spoken_yet() {
    let (mut server, addr) = duplex_server();
    server.type_in("anyone?\n");
    server.wait_stderr("no client has spoken yet, nobody to send to");
    let peer = udp_socket();
    peer.send_to(b"me", addr).unwrap();
    server.wait_stdout("收到客户端消息: me\n", 1);
    server.type_in("88\n");
    assert_eq!(recv(&peer), (b"88".to_vec(), addr));
    server.wait_exit_0();
}

/// As udp-chat's server: the first client that speaks is the only one
/// (the server connects its socket to it, so the kernel drops the rest).
#[test]
fn udp_chat_duplex_server_keeps_to_its_first_client_and_ignores_strangers() {
    let (mut server, addr) = duplex_server();
    let (client, stranger) = (udp_socket(), udp_socket());
    client.send_to(b"hello", addr).unwrap();
    server.wait_stdout("收到客户端消息: hello\n", 1);
    stranger.send_to(b"intruder", addr).unwrap();
    stranger.send_to(b"88", addr).unwrap(); // ends nothing
    client.send_to(b"again", addr).unwrap();
    server.wait_stdout("收到客户端消息: again\n", 1);
    server.type_in("to my client\n");
    assert_eq!(recv(&client), (b"to my client".to_vec(), addr));
    server.close_stdin();
    assert_eq!(recv(&client), (b"88".to_vec(), addr));
    let exit = server.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!("Listening on {addr}\n收到客户端消息: hello\n收到客户端消息: again\n")
    );
    assert_eq!(exit.stderr, "");
    assert_nothing_received(&stranger);
}

#[test]
fn udp_chat_duplex_client_hears_its_server_only() {
    let (client, peer, client_addr) = client_beset_by_a_stranger(&example("udp_chat_duplex"));
    client.wait_stdout("收到服务端消息: the real one\n", 1);
    peer.send_to(b"88", client_addr).unwrap();
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        "收到服务端消息: the real one\n收到服务端消息: 88\n"
    );
}

/// UDP has no close to wait for: after its own 88 (here: end of input) a
/// side sends it and leaves, a second later (time for a "port unreachable"
/// to come back), even if the peer never answers.
#[test]
fn udp_chat_duplex_leaves_after_its_own_88_though_the_peer_stays_silent() {
    // The server, with a raw client that never answers.
    let (mut server, addr) = duplex_server();
    let peer = udp_socket();
    peer.send_to(b"hello", addr).unwrap();
    server.wait_stdout("收到客户端消息: hello\n", 1);
    server.close_stdin();
    assert_eq!(recv(&peer), (b"88".to_vec(), addr));
    let exit = server.wait_exit();
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""), "{exit:?}");

    // The client, with a raw server that never answers.
    let peer = udp_socket();
    let mut client = duplex_client(peer.local_addr().unwrap());
    client.type_in("anyone?\n");
    client.close_stdin();
    assert_eq!(recv(&peer).0, b"anyone?");
    assert_eq!(recv(&peer).0, b"88");
    let exit = client.wait_exit();
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""), "{exit:?}");
}

/// As udp-chat: an empty line is an empty datagram, as Python's
/// `sendto(b'')` sends it. (Before, the duplex skipped it.)
#[test]
fn udp_chat_duplex_sends_an_empty_line_as_an_empty_datagram() {
    let peer = udp_socket();
    let mut client = duplex_client(peer.local_addr().unwrap());
    client.type_in("\nhi\n");
    assert_eq!(recv(&peer).0, b"");
    assert_eq!(recv(&peer).0, b"hi");
}

/// A server that has gone is known by the "port unreachable" its port
/// sends back: the client says so in udp-chat's words, exit 0.
#[test]
fn udp_chat_duplex_client_ends_cleanly_when_the_server_has_gone() {
    let (mut server, addr) = duplex_server();
    let mut client = duplex_client(addr);
    client.type_in("hello\n");
    server.wait_stdout("收到客户端消息: hello\n", 1);
    server.type_in("hi\n");
    client.wait_stdout("收到服务端消息: hi\n", 1);
    drop(server);
    client.type_in("still there?\n");
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stderr,
        format!("udp_chat_duplex client: {addr} has gone, the chat is over\n")
    );
}

#[test]
fn udp_chat_duplex_client_without_a_server_says_so() {
    let (path, addr) = (example("udp_chat_duplex"), unused_udp_addr());
    let hint = "cargo run -p udp-chat --example udp_chat_duplex -- server";
    let exit = assert_no_server(
        &path,
        &["client"],
        addr,
        "udp_chat_duplex client: no server at",
        hint,
    );
    assert_eq!(exit.stdout, "");
}

#[test]
fn udp_chat_duplex_shows_escape_sequences_escaped_on_both_sides() {
    assert_escapes_shown("udp_chat_duplex", &example("udp_chat_duplex"));
}

#[test]
fn udp_chat_duplex_answers_bad_usage_with_what_is_wrong_and_the_usage() {
    let path = example("udp_chat_duplex");
    #[cfg(unix)] // raw argument bytes
    assert_two_role_bad_usages(&path, "cargo run -p udp-chat --example udp_chat_duplex --");
    assert_help_before_any_mistake("udp_chat_duplex", &path);
}

// Keyboard lines, a full screen, a refused thread, names (issue 19).

/// A line of 64 MiB and one byte, then `rm -rf tail-of-a-refused-line`:
/// the line is refused whole and skipped to its newline, its tail is never
/// sent; the next line is. (Before, the client read 64 MiB at a time and
/// sent what followed as a message.)
fn assert_a_long_lines_tail_is_not_sent(path: &Path) {
    let peer = udp_socket();
    let mut client = Proc::start(path, &["client", &peer.local_addr().unwrap().to_string()]);
    let long = "x".repeat((64 << 20) + 1);
    client.type_in(&format!("{long}rm -rf tail-of-a-refused-line\nhi\n"));
    assert_eq!(recv(&peer).0, b"hi");
    client.wait_stderr("not sent: a line is at most 1024 bytes; type less");
}

#[test]
fn udp_chat_client_does_not_send_the_tail_of_a_refused_line() {
    assert_a_long_lines_tail_is_not_sent(&program("udp-chat"));
}

#[test]
fn udp_chat_duplex_does_not_send_the_tail_of_a_refused_line() {
    assert_a_long_lines_tail_is_not_sent(&example("udp_chat_duplex"));
}

/// A field of /proc/PID/`file` as a number (`VmHWM:` in KiB, `rchar:` in bytes).
#[cfg(target_os = "linux")]
fn proc_field(pid: u32, file: &str, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default();
    let value = text.lines().find_map(|l| l.strip_prefix(field));
    let number = value.and_then(|v| v.split_whitespace().next()?.parse().ok());
    number.unwrap_or(0)
}

/// `udp_chat_duplex client < /dev/zero`: one endless line. It reads 256 MiB
/// of it with little memory and sends nothing, until it is killed. (Before,
/// it grew the line until a 1 GiB allocation failed and it aborted.)
#[cfg(target_os = "linux")]
#[test]
fn udp_chat_duplex_keeps_little_memory_on_an_endless_line() {
    use std::process::{Command, Stdio};
    let peer = udp_socket();
    let mut child = Command::new(example("udp_chat_duplex"))
        .args(["client", &peer.local_addr().unwrap().to_string()])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let read_enough = eventually(|| proc_field(pid, "io", "rchar:") >= 256 << 20);
    let peak_kib = proc_field(pid, "status", "VmHWM:");
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(running, "it ended by itself on an endless line");
    assert!(read_enough, "it did not read 256 MiB of /dev/zero in time");
    assert!(peak_kib < 64 << 10, "peak memory {peak_kib} KiB");
    assert_nothing_received(&peer);
}

/// A long line without a newline, then end of input: refused, then `88`
/// said for you, exit 0.
#[test]
fn udp_chat_duplex_ends_cleanly_when_stdin_ends_in_a_long_line() {
    let peer = udp_socket();
    let mut client = duplex_client(peer.local_addr().unwrap());
    client.type_in(&"\0".repeat(4 << 20));
    client.close_stdin();
    assert_eq!(recv(&peer).0, b"88");
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stderr,
        "udp_chat_duplex client: not sent: a line is at most 1024 bytes; type less\n"
    );
}

/// Stdout on /dev/full: the client ends at its first print with one line
/// and exit 1, instead of chatting on with nothing shown.
#[cfg(target_os = "linux")]
fn assert_stdout_full_ends(name: &str, path: &Path) {
    let peer = udp_socket();
    let mut client =
        Proc::start_stdout_full(path, &["client", &peer.local_addr().unwrap().to_string()]);
    client.type_in("hi\n");
    if name == "udp_chat_duplex" {
        let (_, from) = recv(&peer);
        peer.send_to(b"hello", from).unwrap();
    }
    let exit = client.wait_exit();
    let start = format!(
        "{name} client: cannot use the console (stdin/stdout): No space left on device (os error 28)"
    );
    assert_one_line_error(&exit, 1, &start, &[]);
}

#[cfg(target_os = "linux")]
#[test]
fn udp_chat_client_ends_on_a_full_stdout() {
    assert_stdout_full_ends("udp-chat", &program("udp-chat"));
}

#[cfg(target_os = "linux")]
#[test]
fn udp_chat_duplex_client_ends_on_a_full_stdout() {
    assert_stdout_full_ends("udp_chat_duplex", &example("udp_chat_duplex"));
}

/// A thread the OS refuses (here: a stack larger than memory, asked for
/// with RUST_MIN_STACK) is one error line, exit 1, not a panic.
#[cfg(target_os = "linux")]
#[test]
fn udp_chat_duplex_says_so_when_it_cannot_start_its_thread() {
    let args = ["client", "127.0.0.1:9"].map(std::ffi::OsStr::new);
    let env = [("RUST_MIN_STACK", "1000000000000000")];
    let stdout = std::process::Stdio::piped();
    let proc = Proc::start_with(&example("udp_chat_duplex"), &args, &env, stdout);
    let exit = proc.wait_exit();
    let start = "udp_chat_duplex client: cannot start the keyboard thread: ";
    assert_one_line_error(&exit, 1, start, &[]);
}

/// Errors name the IP:PORT a name was taken to: `localhost:P (127.0.0.1:P)`.
#[test]
fn udp_chat_clients_name_the_ip_they_tried() {
    let port = unused_udp_addr().port();
    let addr = format!("localhost:{port}");
    for (name, path) in [
        ("udp-chat", program("udp-chat")),
        ("udp_chat_duplex", example("udp_chat_duplex")),
    ] {
        let mut client = Proc::start(&path, &["client", &addr]);
        client.type_in("hello\n");
        client.close_stdin();
        let exit = client.wait_exit();
        let start = format!("{name} client: no server at {addr} (");
        assert_one_line_error(&exit, 1, &start, &[&format!(":{port}): "), "refused"]);
    }
}

/// Runs `path server localhost:0` in a network and mount namespace of its
/// own (`unshare -mn`, root on Linux) whose /etc/hosts lists `::1
/// localhost` first, as stock Debian does, and returns it with the port it
/// bound; None, said on stderr, where that cannot be done.
#[cfg(target_os = "linux")]
fn server_where_localhost_is_ipv6_first(path: &Path) -> Option<(Proc, u16)> {
    use std::process::{Command, Stdio};
    let hosts = std::env::temp_dir().join(format!("udp-chat-hosts-{}", std::process::id()));
    std::fs::write(&hosts, "::1 localhost\n127.0.0.1 localhost\n").unwrap();
    let setup = format!(
        "mount --bind {} /etc/hosts && ip link set lo up",
        hosts.display()
    );
    let probe = Command::new("unshare")
        .args(["-mn", "sh", "-c", &format!("{setup} && nsenter --version")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|status| status.success()) {
        eprintln!("skipped: needs root, unshare, nsenter, mount and ip (Linux)");
        return None;
    }
    let script = format!(r#"{setup} && exec "$0" "$@""#);
    let args = [
        "-mn",
        "sh",
        "-c",
        &script,
        path.to_str().unwrap(),
        "server",
        "localhost:0",
    ];
    let (server, addr) = Proc::server(Path::new("unshare"), &args);
    let _ = std::fs::remove_file(&hosts); // the mount holds it now
    assert!(
        addr.is_ipv6(),
        "localhost was not taken as ::1 first: {addr}"
    );
    Some((server, addr.port()))
}

/// A server and a client given the same name meet, where the name's first
/// address is IPv6: the client binds the family of the address it sends
/// to. (Before, it bound 0.0.0.0 and sent to 127.0.0.1, where nobody was.)
#[cfg(target_os = "linux")]
#[test]
fn udp_chats_meet_at_localhost_where_it_is_ipv6_first() {
    for path in [program("udp-chat"), example("udp_chat_duplex")] {
        let Some((mut server, port)) = server_where_localhost_is_ipv6_first(&path) else {
            return;
        };
        let (pid, addr) = (server.pid().to_string(), format!("localhost:{port}"));
        let client_args = [
            "-t",
            &pid,
            "-n",
            "-m",
            path.to_str().unwrap(),
            "client",
            &addr,
        ];
        let mut client = Proc::start(Path::new("nsenter"), &client_args);
        client.type_in("hello\n");
        server.wait_stdout("收到客户端消息: hello\n", 1);
        server.type_in("88\n");
        client.wait_stdout("收到服务端消息: 88\n", 1);
        both_exit_0(server, client);
    }
}

/// The duplex server connects its socket to its client, so it learns, as
/// the client does, that its client has gone: from the "port unreachable"
/// its next datagram brings back. (Before, on Linux it never learnt.)
#[test]
fn udp_chat_duplex_server_ends_cleanly_when_its_client_has_gone() {
    let (mut server, addr) = duplex_server();
    let peer = udp_socket();
    let peer_addr = peer.local_addr().unwrap();
    peer.send_to(b"hello", addr).unwrap();
    server.wait_stdout("收到客户端消息: hello\n", 1);
    drop(peer);
    // The server learns its client has gone from the "port unreachable" that
    // its next send brings back. The kernel sends at most 50 of those in a
    // burst for all the tests running side by side (icmp_msgs_burst), so one
    // may not come: type again, each time waiting a second, five times at most.
    for _ in 0..5 {
        server.type_in("still there?\n");
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline && !server.stderr().contains("has gone") {
            thread::sleep(Duration::from_millis(10));
        }
    }
    let exit = server.wait_exit_0();
    assert_eq!(
        exit.stderr,
        format!("udp_chat_duplex server: {peer_addr} has gone, the chat is over\n")
    );
}

/// No input at all and no server: the 88 that end of input says brings
/// back a "port unreachable", and the client says there is no server, one
/// whole line, exit 1. (Before, the keyboard thread ended the program with
/// exit 0 as soon as its 88 was sent, most often before the main thread
/// had said it, or halfway through its line.)
#[test]
fn udp_chat_duplex_client_with_no_input_and_no_server_says_so() {
    let addr = unused_udp_addr();
    let args = ["client", &addr.to_string()];
    let stdin = std::process::Stdio::null();
    let client = Proc::start_stdin(&example("udp_chat_duplex"), &args, stdin);
    let exit = client.wait_exit();
    let start = format!("udp_chat_duplex client: no server at {addr}: ");
    assert_one_line_error(&exit, 1, &start, &["refused", "is the server running?"]);
    assert_eq!(exit.stdout, "");
}
