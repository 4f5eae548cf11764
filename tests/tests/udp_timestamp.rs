//! udp-timestamp (article 004) as processes on real sockets.

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::Duration;
use tests::*;

fn server() -> (Proc, SocketAddr) {
    Proc::server(&program("udp-timestamp"), &["server", "127.0.0.1:0"])
}

fn client(addr: SocketAddr, input: &str) -> Exit {
    run_with_input("udp-timestamp", &["client", &addr.to_string()], input)
}

/// A client started against `server`, a socket of the test's own.
fn client_of(server: &UdpSocket) -> Proc {
    let addr = server.local_addr().unwrap().to_string();
    Proc::program("udp-timestamp", &["client", &addr])
}

/// Checks that the server still answers a well-behaved client.
fn assert_still_serving(addr: SocketAddr) {
    let exit = client(addr, "still there?\n\n");
    assert!(is_ctime(between_prompts(&exit.stdout)[0]), "{exit:?}");
}

const REFUSED: &str = "udp-timestamp client: not sent: a line is at most 1024 bytes\n";

#[test]
fn udp_timestamp_server_returns_the_time_alone_to_each_sender() {
    let (server, addr) = server();
    let (one, two) = (udp_socket(), udp_socket());
    for (socket, text) in [(&one, "hello"), (&two, "世界"), (&one, "again")] {
        socket.send_to(text.as_bytes(), addr).unwrap();
        let mut buf = [0; 1024];
        let (n, from) = recv_from(socket, &mut buf).unwrap();
        assert_eq!(from, addr);
        let reply = std::str::from_utf8(&buf[..n]).unwrap();
        assert!(is_ctime(reply), "{reply:?} is not the time alone");
    }
    server.wait_stdout("waiting for message...", 4);
    let (one, two) = (
        python_tuple(one.local_addr().unwrap()),
        python_tuple(two.local_addr().unwrap()),
    );
    assert_eq!(
        server.stdout(),
        format!(
            "Listening on {addr}\nwaiting for message...\n\
             ...received from and returned to: {one}\nwaiting for message...\n\
             ...received from and returned to: {two}\nwaiting for message...\n\
             ...received from and returned to: {one}\nwaiting for message...\n"
        )
    );
}

#[test]
fn udp_timestamp_server_answers_odd_datagrams_too() {
    let (server, addr) = server();
    let socket = udp_socket();
    // Empty, not UTF-8, longer than the article's 1024 bytes, the longest
    // UDP datagram over IPv4: each still gets the time.
    for datagram in [&b""[..], b"\xff\xfe", &[b'x'; 4000], &[b'y'; 65_507]] {
        socket.send_to(datagram, addr).unwrap();
        let mut buf = [0; 1024];
        let (n, _) = recv_from(&socket, &mut buf).unwrap();
        assert!(is_ctime(std::str::from_utf8(&buf[..n]).unwrap()));
    }
    assert_eq!(server.stderr(), "");
}

#[test]
fn udp_timestamp_client_prints_the_time_for_each_line_and_ends_on_an_empty_line() {
    let (_server, addr) = server();
    let exit = client(addr, "hello\n世界\n\nnot sent\n");
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""), "{exit:?}");
    let answers = between_prompts(&exit.stdout);
    assert_eq!(answers.len(), 2, "{exit:?}");
    assert!(answers.iter().all(|a| is_ctime(a)), "{answers:?}");
}

#[test]
fn udp_timestamp_client_sends_each_line_as_one_datagram_and_hears_its_server_only() {
    let server = udp_socket();
    let mut client = client_of(&server);
    client.type_in("hello\n");
    let mut buf = [0; 1024];
    let (n, from) = recv_from(&server, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello");
    // The article's client takes a reply from anyone (`data, ADDR =
    // recvfrom`) and sends its next line there. Ours connects its socket,
    // on purpose: a stranger's datagram, here sent before the server's
    // reply, is never shown, and the next line still goes to the server.
    let stranger = udp_socket();
    stranger.send_to(b"STRANGER", from).unwrap();
    server.send_to(b"T1 \xff", from).unwrap();
    client.wait_stdout("> ", 2);
    client.type_in("next\n");
    let (n, next_from) = recv_from(&server, &mut buf).unwrap();
    assert_eq!((&buf[..n], next_from), (&b"next"[..], from));
    server.send_to(b"T2", from).unwrap();
    client.wait_stdout("> ", 3);
    client.close_stdin();
    let exit = client.wait_exit_0();
    assert_eq!(exit.stdout, "> \nT1 \u{FFFD}\n> \nT2\n> \n");
    stranger.set_nonblocking(true).unwrap();
    let heard = recv_from(&stranger, &mut buf).map(|(n, _)| n);
    assert!(heard.is_err(), "the client answered a stranger: {heard:?}");
}

#[test]
fn udp_timestamp_client_shows_escape_sequences_from_the_server_escaped() {
    let server = udp_socket();
    let mut client = client_of(&server);
    client.type_in("hello\n");
    let mut buf = [0; 1024];
    let (_, from) = recv_from(&server, &mut buf).unwrap();
    server.send_to(HOSTILE, from).unwrap();
    let exit = end_with_an_empty_line(client, 1);
    assert_eq!(exit.stdout, format!("> \n{HOSTILE_SHOWN}\n> \n"));
}

#[test]
fn udp_timestamp_client_drops_one_trailing_newline_of_a_reply() {
    // `socat UDP-RECVFROM:PORT,fork EXEC:date` answers with date's line.
    let server = udp_socket();
    let mut client = client_of(&server);
    let mut buf = [0; 1024];
    for reply in [
        &b"Mon Dec  7 15:01:29 UTC 2026\n"[..],
        b"crlf\r\n",
        b"two\n\n",
    ] {
        client.type_in("time?\n");
        let (_, from) = recv_from(&server, &mut buf).unwrap();
        server.send_to(reply, from).unwrap();
    }
    let exit = end_with_an_empty_line(client, 3);
    assert_eq!(
        exit.stdout,
        "> \nMon Dec  7 15:01:29 UTC 2026\n> \ncrlf\n> \ntwo\\u{a}\n> \n"
    );
}

#[test]
fn udp_timestamp_client_asks_again_after_a_70000_byte_line() {
    // Longer than any UDP datagram: sent, it would fail "Message too long".
    let (_server, addr) = server();
    let exit = client(addr, &format!("{}\nhello\n", "a".repeat(70_000)));
    assert_eq!(
        (exit.code(), exit.stderr.as_str()),
        (0, REFUSED),
        "{exit:?}"
    );
    let answers = between_prompts(&exit.stdout);
    assert_eq!(answers.len(), 1, "{exit:?}");
    assert!(is_ctime(answers[0]), "{exit:?}");
    assert!(exit.stdout.starts_with("> \n> \n"), "{exit:?}");
}

#[test]
fn udp_timestamp_client_never_sends_any_part_of_a_line_over_1024_bytes() {
    let server = udp_socket();
    let mut client = client_of(&server);
    let tail = format!("{}rm -rf tail-of-a-refused-line\n", "x".repeat(2000));
    let just_over = format!("{}\n", "z".repeat(1025));
    let just_fits = "y".repeat(1024);
    client.type_in(&format!("{tail}{just_over}{just_fits}\n"));
    let mut buf = [0; 4096];
    let (n, from) = recv_from(&server, &mut buf).unwrap();
    assert_eq!(String::from_utf8_lossy(&buf[..n]), just_fits);
    server.send_to(b"T", from).unwrap();
    let exit = end_with_an_empty_line(client, 1);
    assert_eq!(exit.stdout, "> \n> \n> \nT\n> \n");
    assert_eq!(exit.stderr, REFUSED.repeat(2));
}

#[test]
fn udp_timestamp_client_with_nothing_at_the_port_says_port_unreachable() {
    // The kernel answers a datagram to a port where nothing receives with
    // ICMP "port unreachable", which a connected socket receives.
    let addr = unused_udp_addr();
    let exit = client(addr, "hello\n");
    assert_one_line_error(
        &exit,
        1,
        &format!("udp-timestamp client: no reply from {addr}: "),
        &[
            "port unreachable",
            "is the server running?",
            "cargo run -p udp-timestamp -- server",
        ],
    );
    assert_eq!(exit.stdout, "> \n");
}

#[test]
fn udp_timestamp_client_errors_name_the_ip_it_tried() {
    let port = unused_udp_addr().port(); // nothing receives there
    let name = format!("localhost:{port}");
    let first = name.to_socket_addrs().unwrap().next().unwrap();
    let exit = run_with_input("udp-timestamp", &["client", &name], "hello\n");
    assert_one_line_error(
        &exit,
        1,
        &format!("udp-timestamp client: no reply from {name} ({first}): "),
        &["port unreachable"],
    );
}

#[test]
fn udp_timestamp_client_with_no_server_gives_up_with_one_line() {
    let nobody = udp_socket(); // bound, so nothing else gets the port; never answers
    let addr = nobody.local_addr().unwrap();
    let mut client = Proc::program("udp-timestamp", &["client", &addr.to_string()]);
    client.type_in("hello\n");
    client.close_stdin();
    let exit = client.wait_exit_after(Duration::from_secs(10));
    assert_one_line_error(
        &exit,
        1,
        &format!("udp-timestamp client: no reply from {addr}: "),
        &[
            "no answer within 10 s",
            "is the server running?",
            "cargo run -p udp-timestamp -- server",
        ],
    );
    assert_eq!(exit.stdout, "> \n");
}

#[test]
fn udp_timestamp_client_ends_cleanly_at_end_of_input_on_a_line_of_its_own() {
    let (_server, addr) = server();
    let exit = client(addr, "hello");
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""), "{exit:?}");
    assert_eq!(between_prompts(&exit.stdout).len(), 1, "{exit:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn udp_timestamp_client_with_stdout_full_says_it_cannot_use_the_console() {
    let (_server, addr) = server();
    let path = program("udp-timestamp");
    let mut client = Proc::start_stdout_full(&path, &["client", &addr.to_string()]);
    client.type_in("hello\n");
    client.close_stdin();
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 1, "{exit:?}");
    assert_eq!(
        exit.stderr,
        "udp-timestamp client: cannot use the console (stdin/stdout): \
         No space left on device (os error 28)\n"
    );
}

#[test]
fn udp_timestamp_server_on_an_address_in_use_says_so() {
    let taken = udp_socket();
    let addr = taken.local_addr().unwrap();
    assert_address_in_use(
        &program("udp-timestamp"),
        &["server"],
        addr,
        "udp-timestamp server: cannot bind",
    );
}

#[test]
fn udp_timestamp_server_goes_on_after_a_client_that_left_before_its_reply() {
    let (server, addr) = server();
    let gone = udp_socket();
    gone.send_to(b"bye", addr).unwrap();
    drop(gone); // the reply meets a closed port: ICMP "port unreachable"
    server.wait_stdout("waiting for message...", 2);
    assert_still_serving(addr);
    assert_eq!(server.stderr(), "");
}

#[test]
fn udp_timestamp_server_prints_an_ipv6_sender_as_ip_and_port() {
    let Ok(socket) = UdpSocket::bind("[::1]:0") else {
        eprintln!("no IPv6 loopback here: nothing to check");
        return;
    };
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    let (server, addr) = Proc::server(&program("udp-timestamp"), &["server", "[::1]:0"]);
    socket.send_to(b"v6", addr).unwrap();
    let mut buf = [0; 1024];
    let (n, _) = recv_from(&socket, &mut buf).unwrap();
    assert!(is_ctime(std::str::from_utf8(&buf[..n]).unwrap()));
    let port = socket.local_addr().unwrap().port();
    server.wait_stdout(
        &format!("...received from and returned to: ('::1', {port}, 0, 0)\n"),
        1,
    );
}

/// Starts `udp-timestamp server_args` in a network and mount namespace of
/// its own (`unshare -mn`, root only) where a hosts file of the test's own,
/// over /etc/hosts, names `localhost` `::1` first (stock Debian's, sorted).
/// Returns the server and the address it bound; None (after a line saying
/// why) where no such namespace can be made.
#[cfg(target_os = "linux")]
fn server_where_localhost_is_ipv6_first(server_args: &[&str]) -> Option<(Proc, SocketAddr)> {
    use std::path::Path;
    use std::process::{Command, Stdio};
    let hosts = std::env::temp_dir().join(format!(
        "udp-timestamp-hosts-{}-{}",
        std::process::id(),
        server_args.len()
    ));
    std::fs::write(&hosts, "::1 localhost\n127.0.0.1 localhost\n").unwrap();
    let hosts = hosts.to_str().unwrap().to_string();
    let script = r#"ip link set lo up && mount --bind "$0" /etc/hosts && exec "$@""#;
    let probe = Command::new("unshare")
        .args(["-mn", "sh", "-c", script, &hosts, "true"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: needs root, unshare and ip for a namespace of its own");
        let _ = std::fs::remove_file(&hosts);
        return None;
    }
    let path = program("udp-timestamp");
    let path = path.to_str().unwrap();
    let mut args = vec!["-mn", "sh", "-c", script, &hosts, path];
    args.extend_from_slice(server_args);
    let (server, addr) = Proc::server(Path::new("unshare"), &args);
    let _ = std::fs::remove_file(&hosts); // mounted already
    Some((server, addr))
}

/// `udp-timestamp client ARGS` in the namespace of `server`, typing `hello`
/// and then end of input; returns how it ended.
#[cfg(target_os = "linux")]
fn client_in_namespace_of(server: &Proc, client_args: &[&str]) -> Exit {
    let pid = server.pid().to_string();
    let path = program("udp-timestamp");
    let mut args = vec!["-t", &pid, "-n", "-m", path.to_str().unwrap()];
    args.extend_from_slice(client_args);
    let mut client = Proc::start(std::path::Path::new("nsenter"), &args);
    client.type_in("hello\n");
    client.close_stdin();
    client.wait_exit()
}

/// Where `localhost` names ::1 first, `server localhost:0` binds [::1]; the
/// client given the same name must send there, not to 127.0.0.1.
#[cfg(target_os = "linux")]
#[test]
fn udp_timestamp_client_and_server_given_one_name_meet_where_it_names_ipv6_first() {
    let Some((server, addr)) = server_where_localhost_is_ipv6_first(&["server", "localhost:0"])
    else {
        return;
    };
    if !addr.is_ipv6() {
        eprintln!("skipped: no IPv6 in the namespace, the server bound {addr}");
        return;
    }
    let name = format!("localhost:{}", addr.port());
    let exit = client_in_namespace_of(&server, &["client", &name]);
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""), "{exit:?}");
    assert!(is_ctime(between_prompts(&exit.stdout)[0]), "{exit:?}");
    server.wait_stdout("...received from and returned to: ('::1', ", 1);
}

/// The two sides started with no ADDR meet, even where `localhost` names
/// ::1 first: both default to 127.0.0.1:23135 (a client defaulting to
/// `localhost:23135` sent to [::1]:23135 and heard "port unreachable").
#[cfg(target_os = "linux")]
#[test]
fn udp_timestamp_client_and_server_with_no_addr_meet_where_localhost_is_ipv6_first() {
    let Some((server, addr)) = server_where_localhost_is_ipv6_first(&["server"]) else {
        return;
    };
    assert_eq!(addr.to_string(), "127.0.0.1:23135");
    let exit = client_in_namespace_of(&server, &["client"]);
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""), "{exit:?}");
    assert!(is_ctime(between_prompts(&exit.stdout)[0]), "{exit:?}");
    server.wait_stdout("...received from and returned to: ('127.0.0.1', ", 1);
}

#[test]
fn udp_timestamp_without_a_role_says_which_side_to_run_and_exits_2() {
    let udp_timestamp = program("udp-timestamp");
    assert_bad_usage(
        &udp_timestamp,
        &[] as &[&str],
        "say which side to run: `cargo run -p udp-timestamp -- server` in one terminal, \
         then `cargo run -p udp-timestamp -- client` in another",
    );
    // Both sides default to 127.0.0.1:23135, so that they meet wherever
    // `localhost` names ::1 first (the Python's AF_INET client reaches
    // 127.0.0.1 for 'localhost').
    let defaults = [
        "server [ADDR]   (default 127.0.0.1:23135",
        "client [ADDR]   (default 127.0.0.1:23135",
    ];
    assert_help(
        &udp_timestamp,
        &["-h"],
        "usage: udp-timestamp server [ADDR]",
        &defaults,
    );
    let usage = Proc::program("udp-timestamp", &["--help"]).wait_exit();
    assert!(!usage.stdout.contains("localhost"), "{usage:?}");
}

#[cfg(unix)]
#[test]
fn udp_timestamp_bad_arguments_are_usage_errors_that_say_what_is_wrong() {
    let udp_timestamp = program("udp-timestamp");
    // Among them every malformed ADDR (`127.0.0.1:+80` too), for either role.
    assert_two_role_bad_usages(&udp_timestamp, "cargo run -p udp-timestamp --");
    let clint = "unknown role `clint`: expected `server` or `client`";
    assert_bad_usage(&udp_timestamp, &["clint"], clint);
    let extra = ["client", "localhost:23135", "x"];
    assert_bad_usage(&udp_timestamp, &extra, "unexpected argument `x`");
    assert_bad_usage(&udp_timestamp, &["client", "23135"], &bad_addr_why("23135"));
    // `--help` before any mistake wins; a mistake before it is reported.
    assert_help(
        &udp_timestamp,
        &["--help", "clint"],
        "usage: udp-timestamp",
        &[],
    );
    assert_bad_usage(&udp_timestamp, &["clint", "--help"], clint);
}
