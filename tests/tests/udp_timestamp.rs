//! udp-timestamp (article 004) as processes on real sockets.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use tests::*;

fn server() -> (Proc, SocketAddr) {
    Proc::server(&program("udp-timestamp"), &["server", "127.0.0.1:0"])
}

fn client(addr: SocketAddr, input: &str) -> Exit {
    run_with_input("udp-timestamp", &["client", &addr.to_string()], input)
}

/// Checks that the server still answers a well-behaved client.
fn assert_still_serving(addr: SocketAddr) {
    let exit = client(addr, "still there?\n\n");
    assert!(is_ctime(between_prompts(&exit.stdout)[0]), "{exit:?}");
}

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
    // Empty, not UTF-8, longer than its 1024-byte buffer: each still gets the time.
    for datagram in [&b""[..], b"\xff\xfe", &[b'x'; 4000]] {
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
    assert_eq!(exit.code(), 0, "{exit:?}");
    let answers = between_prompts(&exit.stdout);
    assert_eq!(answers.len(), 2, "{exit:?}");
    assert!(answers.iter().all(|a| is_ctime(a)), "{answers:?}");
    assert_eq!(exit.stderr, "");
}

#[test]
fn udp_timestamp_client_sends_each_line_as_one_datagram_and_hears_its_server_only() {
    let server = udp_socket();
    let mut client = Proc::program(
        "udp-timestamp",
        &["client", &server.local_addr().unwrap().to_string()],
    );
    client.type_in("hello\n");
    let mut buf = [0; 1024];
    let (n, from) = recv_from(&server, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello");
    // The article's client takes a reply from anyone (`data, ADDR =
    // recvfrom`) and sends its next line there. Ours connects its socket,
    // on purpose: a stranger's datagram, here sent before the server's
    // reply, is never shown, and the next line still goes to the server.
    // (Until issue 12 this test showed the client following the stranger.)
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
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "> T1 \u{FFFD}\n> T2\n> \n");
    stranger.set_nonblocking(true).unwrap();
    let heard = recv_from(&stranger, &mut buf)
        .map(|(n, _)| n)
        .map_err(|e| e.kind());
    assert!(
        matches!(
            heard,
            Err(ErrorKind::WouldBlock | ErrorKind::ConnectionRefused)
        ),
        "{heard:?}"
    );
}

#[test]
fn udp_timestamp_client_shows_escape_sequences_from_the_server_escaped() {
    let server = udp_socket();
    let mut client = Proc::program(
        "udp-timestamp",
        &["client", &server.local_addr().unwrap().to_string()],
    );
    client.type_in("hello\n");
    let mut buf = [0; 1024];
    let (_, from) = recv_from(&server, &mut buf).unwrap();
    server.send_to(HOSTILE, from).unwrap();
    let exit = end_with_an_empty_line(client, 1);
    assert_eq!(exit.stdout, format!("> {HOSTILE_SHOWN}\n> "));
}

#[test]
fn udp_timestamp_client_with_nothing_at_the_port_says_port_unreachable() {
    // A port the OS just gave out, freed: the kernel answers a datagram to
    // it with ICMP "port unreachable", which a connected socket receives.
    let addr = udp_socket().local_addr().unwrap();
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
    assert_eq!(exit.stdout, "> ");
}

#[test]
fn udp_timestamp_client_with_no_server_gives_up_with_one_line() {
    let nobody = udp_socket(); // bound, so nothing else gets the port; never answers
    let addr = nobody.local_addr().unwrap();
    let exit = client(addr, "hello\n");
    assert_one_line_error(
        &exit,
        1,
        &format!("udp-timestamp client: no reply from {addr} within 3 s: "),
        &[
            "is the server running?",
            "cargo run -p udp-timestamp -- server",
        ],
    );
    assert_eq!(exit.stdout, "> ");
}

#[test]
fn udp_timestamp_client_ends_cleanly_at_end_of_input_on_a_line_of_its_own() {
    let (_server, addr) = server();
    let exit = client(addr, "hello");
    assert_eq!(between_prompts_ended(&exit).len(), 1);
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
fn udp_timestamp_server_prints_an_ipv6_sender_as_pythons_4_tuple() {
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

#[test]
fn udp_timestamp_without_a_role_says_which_side_to_run_and_exits_2() {
    let udp_timestamp = program("udp-timestamp");
    assert_bad_usage(
        &udp_timestamp,
        &[] as &[&str],
        "say which side to run: `cargo run -p udp-timestamp -- server` in one terminal, \
         then `cargo run -p udp-timestamp -- client` in another",
    );
    let defaults = ["localhost:23135", "127.0.0.1:23135"];
    assert_help(
        &udp_timestamp,
        &["-h"],
        "usage: udp-timestamp server [ADDR]",
        &defaults,
    );
}

#[test]
fn udp_timestamp_bad_arguments_are_usage_errors_that_say_what_is_wrong() {
    let udp_timestamp = program("udp-timestamp");
    assert_two_role_bad_usages(&udp_timestamp, "cargo run -p udp-timestamp --");
    let os = |args: &[&str]| args.iter().map(OsString::from).collect::<Vec<_>>();
    let cases: Vec<(Vec<OsString>, &str)> = vec![
        (
            vec!["client".into(), not_utf8(b"\xff:0")],
            "argument `\u{FFFD}:0` is not valid UTF-8",
        ),
        (os(&["server", "--bogus"]), "unknown option `--bogus`"),
        (
            os(&["clint"]),
            "unknown role `clint`: expected `server` or `client`",
        ),
        (
            os(&["client", "localhost:23135", "x"]),
            "unexpected argument `x`",
        ),
        (
            os(&["client", "23135"]),
            "bad ADDR `23135`: no host: did you mean 127.0.0.1:23135?",
        ),
    ];
    for (args, why) in cases {
        assert_bad_usage(&udp_timestamp, &args, why);
    }
}
