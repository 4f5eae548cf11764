//! Long lines from the keyboard. A line is at most what the peer reads in
//! one `recv(1024)`: a longer one is refused, skipped to its newline and
//! asked again (SPEC). Every program that reads the keyboard is tried here:
//! the timestamp clients, both roles of the two chats and of their duplex
//! examples, the chat room pair and article 002's UDP pair.
//!
//! - A careless user's stdin, one endless line (`< /dev/zero`): the
//!   program's memory stays small instead of growing until the allocator
//!   gives up and aborts it (Linux: it reads /proc).
//! - A line of 70,000 bytes whose end is `TAIL-OF-A-REFUSED-LINE`, then
//!   `ok`: a raw peer of the test's never receives any of the long line,
//!   its tail included, and receives `ok`; the program says on stderr that
//!   the long line was not sent.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Instant;
use tests::*;

// ------------------------------------------------------------- who the program talks to

/// How a program that reads the keyboard is started, and how the test's
/// raw peer gets it to the point where it reads the keyboard.
#[derive(Clone, Copy)]
enum Role {
    /// A TCP client: the test listens; the connection gets `greeting`.
    TcpClient { greeting: &'static [u8] },
    /// A UDP client: the test's socket receives its datagrams, the first
    /// of which is `hello` when that is not empty (answered with the reply).
    UdpClient { hello: &'static [u8] },
    /// A TCP server: the test connects, reads `welcome`, sends `first`.
    TcpServer {
        welcome: &'static [u8],
        first: &'static [u8],
    },
    /// A UDP server: the test's socket sends it `hello` first, and
    /// receives `welcome` when that is not empty.
    UdpServer { welcome: &'static [u8] },
}

/// A program that reads the keyboard: its path, its arguments before
/// ADDR, how it is reached, and what it answers when the peer speaks in
/// turn (`Some(reply)`: the program waits for a reply to each message).
struct Keyboard {
    path: PathBuf,
    args: &'static [&'static str],
    role: Role,
    reply: Option<&'static [u8]>,
    /// What the peer receives for the line `ok`: `ok`, or `ok\n` for the
    /// TCP duplex example, which ends each message with a newline.
    ok_on_the_wire: &'static [u8],
}

/// Every program of the workspace that reads the keyboard.
fn keyboards() -> Vec<Keyboard> {
    let turn = Some(&b"hi"[..]);
    let chat_server = Role::TcpServer {
        welcome: b"",
        first: b"hello",
    };
    vec![
        Keyboard {
            path: program("tcp-timestamp"),
            args: &["client"],
            role: Role::TcpClient { greeting: b"" },
            reply: Some(b"[Mon Dec  7 14:44:51 2026] ok"),
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: program("udp-timestamp"),
            args: &["client"],
            role: Role::UdpClient { hello: b"" },
            reply: Some(b"Mon Dec  7 14:44:51 2026"),
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: program("tcp-chat"),
            args: &["client"],
            role: Role::TcpClient { greeting: b"" },
            reply: turn,
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: program("tcp-chat"),
            args: &["server"],
            role: chat_server,
            reply: turn,
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: program("udp-chat"),
            args: &["client"],
            role: Role::UdpClient { hello: b"" },
            reply: turn,
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: program("udp-chat"),
            args: &["server"],
            role: Role::UdpServer { welcome: b"" },
            reply: turn,
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: example("chatroom_client"),
            args: &[],
            role: Role::TcpClient {
                greeting: b"welcome to connect !",
            },
            reply: turn,
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: example("chatroom_server"),
            args: &[],
            role: Role::TcpServer {
                welcome: b"welcome to connect !",
                first: b"hello",
            },
            reply: turn,
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: example("tcp_chat_duplex"),
            args: &["client"],
            role: Role::TcpClient { greeting: b"" },
            reply: None,
            ok_on_the_wire: b"ok\n",
        },
        Keyboard {
            path: example("tcp_chat_duplex"),
            args: &["server"],
            role: Role::TcpServer {
                welcome: b"",
                first: b"hello\n",
            },
            reply: None,
            ok_on_the_wire: b"ok\n",
        },
        Keyboard {
            path: example("udp_chat_duplex"),
            args: &["client"],
            role: Role::UdpClient { hello: b"" },
            reply: None,
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: example("udp_chat_duplex"),
            args: &["server"],
            role: Role::UdpServer { welcome: b"" },
            reply: None,
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: example("udp_client"),
            args: &[],
            role: Role::UdpClient { hello: b"hell0" },
            reply: Some(b"send a message to you"),
            ok_on_the_wire: b"ok",
        },
        Keyboard {
            path: example("udp_server"),
            args: &[],
            role: Role::UdpServer {
                welcome: b"send a message to you",
            },
            reply: turn,
            ok_on_the_wire: b"ok",
        },
    ]
}

/// The program `name` (file name) in role `role` (`client`, `server`, or
/// `""` for the chat room pair, whose names say it).
fn keyboard(name: &str, role: &str) -> Keyboard {
    let found = keyboards().into_iter().find(|k| {
        k.path.file_stem().is_some_and(|s| s == name)
            && k.args.first().copied().unwrap_or("") == role
    });
    found.unwrap_or_else(|| panic!("no keyboard program {name} {role}"))
}

/// The test's end of the conversation.
enum Wire {
    Tcp(TcpStream),
    /// The test's socket, and the program's address once known.
    Udp(UdpSocket, Option<SocketAddr>),
}

impl Wire {
    /// One read (TCP) or one datagram (UDP); `None` when the program has
    /// closed, or nothing came within the deadline.
    fn receive(&mut self) -> Option<Vec<u8>> {
        let mut buf = vec![0; 65536];
        let n = match self {
            Wire::Tcp(s) => s.read(&mut buf).ok()?,
            Wire::Udp(socket, peer) => {
                let (n, from) = recv_from(socket, &mut buf).ok()?;
                *peer = Some(from);
                n
            }
        };
        if n == 0 {
            return None;
        }
        buf.truncate(n);
        Some(buf)
    }

    fn send(&mut self, data: &[u8]) {
        match self {
            Wire::Tcp(s) => s.write_all(data).expect("send to the program"),
            Wire::Udp(socket, Some(peer)) => {
                socket.send_to(data, *peer).expect("send to the program");
            }
            Wire::Udp(_, None) => panic!("nobody to send to yet"),
        }
    }
}

/// Starts `k` with `stdin`; returns it, once it is ready to read the
/// keyboard, with the test's end of its conversation.
fn start(k: &Keyboard, stdin: Stdio) -> (Proc, Wire) {
    match k.role {
        Role::TcpClient { greeting } => {
            let (listener, addr): (TcpListener, SocketAddr) = listen();
            let proc = Proc::start_stdin(&k.path, &args_and(k, &addr.to_string()), stdin);
            let mut s = accept(&listener);
            s.write_all(greeting).expect("greet the program");
            (proc, Wire::Tcp(s))
        }
        Role::UdpClient { hello } => {
            let socket = udp_socket();
            let addr = socket.local_addr().expect("local address").to_string();
            let proc = Proc::start_stdin(&k.path, &args_and(k, &addr), stdin);
            let mut wire = Wire::Udp(socket, None);
            if !hello.is_empty() {
                assert_eq!(wire.receive().as_deref(), Some(hello));
                wire.send(k.reply.expect("a reply to the first datagram"));
            }
            (proc, wire)
        }
        Role::TcpServer { welcome, first } => {
            let proc = Proc::start_stdin(&k.path, &args_and(k, "127.0.0.1:0"), stdin);
            let addr = proc.listening_addr();
            let mut s = connect(addr);
            expect_bytes(&mut s, welcome);
            s.write_all(first).expect("speak first");
            (proc, Wire::Tcp(s))
        }
        Role::UdpServer { welcome } => {
            let proc = Proc::start_stdin(&k.path, &args_and(k, "127.0.0.1:0"), stdin);
            let addr = proc.listening_addr();
            let socket = udp_socket();
            socket.send_to(b"hello", addr).expect("speak first");
            let mut wire = Wire::Udp(socket, Some(addr));
            if !welcome.is_empty() {
                assert_eq!(wire.receive().as_deref(), Some(welcome));
            }
            (proc, wire)
        }
    }
}

/// `k`'s arguments, then `addr`.
fn args_and<'a>(k: &Keyboard, addr: &'a str) -> Vec<&'a str> {
    [k.args, &[addr]].concat()
}

// ------------------------------------------------------------- a line over 1024 bytes

const TAIL: &str = "TAIL-OF-A-REFUSED-LINE";

/// Types a line of 70,000 bytes ending in [`TAIL`], then `ok`, into `k`,
/// and checks that its peer receives `ok` and nothing else, and that the
/// program said on stderr that the long line was not sent.
fn assert_long_line_refused(k: Keyboard) {
    let (mut proc, mut wire) = start(&k, Stdio::piped());
    if let Role::TcpServer { .. } | Role::UdpServer { .. } = k.role {
        proc.wait_stdout("hello", 1); // it has read our first message
    }
    proc.type_in(&format!("{}{TAIL}\nok\n", "x".repeat(70_000 - TAIL.len())));
    let heard = hear_until_ok(&mut wire, k.reply);
    if heard != k.ok_on_the_wire {
        proc.fail(&format!(
            "the peer heard {} bytes{}, ending {:?}; expected only {:?}",
            heard.len(),
            if contains(&heard, TAIL.as_bytes()) {
                ", the long line's tail among them"
            } else {
                ""
            },
            String::from_utf8_lossy(&heard[heard.len().saturating_sub(40)..]),
            String::from_utf8_lossy(k.ok_on_the_wire),
        ));
    }
    proc.wait_stderr("not sent");
}

/// What the program sends until `ok` has come (a read that fails or a
/// program that closes ends it too). `reply` is sent after each message
/// that is not yet `ok`, for a program that waits for an answer in turn.
fn hear_until_ok(wire: &mut Wire, reply: Option<&[u8]>) -> Vec<u8> {
    let deadline = Instant::now() + DEADLINE;
    let mut heard = Vec::new();
    while !contains(&heard, b"ok") && Instant::now() < deadline {
        let Some(data) = wire.receive() else {
            break;
        };
        heard.extend_from_slice(&data);
        if let Some(reply) = reply {
            if !contains(&heard, b"ok") {
                wire.send(reply);
            }
        }
    }
    heard
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn tcp_timestamp_client_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("tcp-timestamp", "client"));
}

#[test]
fn udp_timestamp_client_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("udp-timestamp", "client"));
}

#[test]
fn tcp_chat_client_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("tcp-chat", "client"));
}

#[test]
fn tcp_chat_server_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("tcp-chat", "server"));
}

#[test]
fn udp_chat_client_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("udp-chat", "client"));
}

#[test]
fn udp_chat_server_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("udp-chat", "server"));
}

#[test]
fn chatroom_client_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("chatroom_client", ""));
}

#[test]
fn chatroom_server_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("chatroom_server", ""));
}

#[test]
fn tcp_chat_duplex_client_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("tcp_chat_duplex", "client"));
}

#[test]
fn tcp_chat_duplex_server_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("tcp_chat_duplex", "server"));
}

#[test]
fn udp_chat_duplex_client_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("udp_chat_duplex", "client"));
}

#[test]
fn udp_chat_duplex_server_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("udp_chat_duplex", "server"));
}

#[test]
fn udp_client_of_article_002_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("udp_client", ""));
}

#[test]
fn udp_server_of_article_002_refuses_a_long_line_and_sends_none_of_it() {
    assert_long_line_refused(keyboard("udp_server", ""));
}

// ------------------------------------------------------------- an endless line

/// A field of /proc/PID/`file` (`rchar:` in io, `VmHWM:` in status), as a
/// number (bytes for io, KiB for status).
#[cfg(target_os = "linux")]
fn proc_field(pid: u32, file: &str, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default();
    let value = text
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .unwrap_or("0");
    value
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Runs `k` with /dev/zero as stdin until it has read 1 GiB of it, then
/// checks that its peak memory stayed under 256 MiB; a program that gives
/// up on the line by itself must do so with an exit code, not abort.
#[cfg(target_os = "linux")]
fn assert_bounded_on_an_endless_line(k: Keyboard) {
    let zero = std::fs::File::open("/dev/zero").expect("open /dev/zero");
    let (proc, _wire) = start(&k, Stdio::from(zero));
    let pid = proc.pid();
    let exited =
        || std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "));
    let done = eventually(|| exited() || proc_field(pid, "io", "rchar:") >= 1 << 30);
    let peak_kib = proc_field(pid, "status", "VmHWM:");
    let name = format!("{} {:?}", k.path.display(), k.args);
    assert!(
        done,
        "{name} neither read 1 GiB of stdin nor ended within the deadline"
    );
    if exited() {
        let exit = proc.wait_exit();
        assert!(
            exit.status.code().is_some_and(|c| c <= 2),
            "{name} ended by {} on an endless line: {exit:?}",
            exit.status
        );
    } else {
        assert!(
            peak_kib < 256 << 10,
            "{name}: peak memory {peak_kib} KiB on an endless line"
        );
    }
}

/// Every program that reads the keyboard, one after the other (reading
/// 1 GiB takes a core for a while: side by side, they would starve each
/// other past the deadline). All are tried; the failures are listed.
#[cfg(target_os = "linux")]
#[test]
fn programs_that_read_the_keyboard_keep_little_memory_on_an_endless_line() {
    let mut failed = Vec::new();
    for k in keyboards() {
        let name = format!("{} {:?}", k.path.display(), k.args);
        let tried = std::panic::catch_unwind(|| assert_bounded_on_an_endless_line(k));
        if tried.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "not bounded on an endless line: {failed:#?}"
    );
}
