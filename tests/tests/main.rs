//! All end-to-end tests in one binary, so that the tests which wait on a
//! program's own timeout run side by side (libtest runs a binary's tests on
//! parallel threads; separate binaries would run one after another).

mod basic_tcp;
mod chatroom;
mod closed_stderr;
mod endless_line;
mod http_fetch;
mod readme;
mod standalone;
mod tcp_chat;
mod tcp_hello;
mod tcp_timestamp;
mod udp_chat;
mod udp_pair;
mod udp_timestamp;

/// The harness's silent address drops connects: a check of the check.
#[cfg(target_os = "linux")]
#[test]
fn silent_addr_drops_connects() {
    let (_listener, _queued, addr) = tests::silent_addr();
    let started = std::time::Instant::now();
    let e =
        std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(1)).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::TimedOut, "{e}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
}

/// The harness's unused address refuses connects, and (Linux) its port
/// cannot be bound by anyone meanwhile, so no server of a parallel test
/// gets it. (macOS lets a listener with SO_REUSEADDR, as std makes them,
/// bind a port whose only user is a connected socket.)
#[test]
fn unused_addr_refuses_and_cannot_be_taken() {
    let addr = tests::unused_addr();
    let e = std::net::TcpStream::connect_timeout(&addr, tests::DEADLINE).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused, "{e}");
    if cfg!(target_os = "linux") {
        let e = std::net::TcpListener::bind(addr).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse, "{e}");
    }
}

/// The same for UDP: a datagram to it comes back as "port unreachable",
/// which a connected socket reports on its next receive (Linux).
#[cfg(target_os = "linux")]
#[test]
fn unused_udp_addr_refuses_and_cannot_be_taken() {
    let addr = tests::unused_udp_addr();
    let socket = tests::udp_socket();
    socket.connect(addr).unwrap();
    socket.send(b"anyone?").unwrap();
    let e = socket.recv(&mut [0; 8]).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused, "{e}");
    let e = std::net::UdpSocket::bind(addr).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse, "{e}");
}

/// The harness's failed-accept check passes a server that pauses 100 ms
/// after a failed accept (the chat room server); one that spins logs tens
/// of thousands of failures a second and fails it (tried by taking the
/// pause out: 81,880 to 234,701 in the second).
#[test]
fn failed_accepts_check_passes_a_server_that_pauses() {
    tests::assert_failed_accepts_pause(&tests::example("chatroom_server"), &["127.0.0.1:0"]);
}
