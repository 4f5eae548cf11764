//! What both sides share: Python's `input()` and `print()`, with the chat's
//! rules for what may be sent, how received text is shown, and how a chat
//! ends when the peer goes away.

use std::io::{self, BufRead, ErrorKind::*, IsTerminal, Read, Write};
use std::{net::TcpStream, sync::atomic::AtomicBool, sync::atomic::Ordering::SeqCst};

/// The word that ends the chat, from either side.
pub const GOODBYE: &[u8] = b"88";

/// 发送消息: `input('请输入:')`, then send the line without its newline.
/// End of input says `88`. An empty line is not a message (a TCP send of
/// nothing sends nothing, and the peer would wait for it forever), and a
/// line longer than the peer's recv(1024) would arrive in pieces and put
/// the turns out of step: both are asked again.
pub fn send(socket: &mut TcpStream, role: &str) -> io::Result<Vec<u8>> {
    loop {
        out("请输入:")?;
        let mut line = Vec::new();
        // At most 64 MiB at a time: an endless line (`< /dev/zero`) cannot eat memory.
        if io::stdin()
            .lock()
            .take(1 << 26)
            .read_until(b'\n', &mut line)
            .map_err(console)?
            == 0
        {
            out("\n")?; // no typed line ended the prompt's line: end it
            warn(role, "end of input, saying 88");
            line = GOODBYE.to_vec();
        }
        let send_msg = trim_newline(&line);
        match send_msg.len() {
            0 => {}
            1..=1024 => return socket.write_all(send_msg).map(|()| send_msg.to_vec()),
            n => warn(
                role,
                &format!("{n} bytes is too long, the peer reads at most 1024: type less"),
            ),
        }
    }
}

/// 接收消息: one read of up to 1024 bytes, `recv(1024)`, is one message,
/// printed as `print('收到客户端消息:', ...)` does. End of stream is an error:
/// the peer has gone. One trailing newline is dropped, so a peer such as
/// `nc` that sends one shows the same as the Python peer that does not.
pub fn receive(socket: &mut TcpStream, from: &str) -> io::Result<Vec<u8>> {
    let mut recv_data = [0; 1024];
    let recv_msg = match socket.read(&mut recv_data)? {
        0 => return Err(UnexpectedEof.into()),
        n => trim_newline(&recv_data[..n]),
    };
    out(&format!("收到{from}消息: {}\n", show(recv_msg)))?;
    Ok(recv_msg.to_vec())
}

/// Received bytes as text for the terminal: not UTF-8 becomes U+FFFD, and
/// every control character but tab is made visible (`\u{1b}`), so a peer
/// cannot retitle, clear or recolour the user's terminal.
pub fn show(data: &[u8]) -> String {
    let esc = |c: char| {
        if c.is_control() && c != '\t' {
            c.escape_unicode().to_string()
        } else {
            c.into()
        }
    };
    String::from_utf8_lossy(data).chars().map(esc).collect()
}

/// The line without its `\n` or `\r\n`.
fn trim_newline(data: &[u8]) -> &[u8] {
    data.strip_suffix(b"\n")
        .map_or(data, |line| line.strip_suffix(b"\r").unwrap_or(line))
}

/// `print()`: to stdout, flushed, since a prompt has no newline.
pub fn out(text: &str) -> io::Result<()> {
    PROMPTED.store(
        text.ends_with(|c| c != '\n') && !io::stdin().is_terminal(),
        SeqCst,
    );
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(console)
}

/// Set while stdout's line is open after a prompt that no typed line will
/// end: stdin is not a terminal echoing the user's Enter (a pipe, a file).
static PROMPTED: AtomicBool = AtomicBool::new(false);

/// `tcp-chat ROLE: WHAT` on stderr, on a line of its own: a prompt's open
/// line is ended on stdout first (else `请输入:` and `... closed the
/// connection ...` would share a line on the screen).
pub fn warn(role: &str, what: &str) {
    let _ = out(if PROMPTED.load(SeqCst) { "\n" } else { "" }); // a closed stdout: still say it
    let _ = writeln!(io::stderr(), "tcp-chat {role}: {what}");
}

/// A failed read of the keyboard or write to the screen (a closed pipe):
/// an error of its own kind, so it is never taken for the peer going away.
fn console(e: io::Error) -> io::Error {
    io::Error::other(format!("cannot use the console (stdin/stdout): {e}"))
}

/// The peer (`client 127.0.0.1:40278`) closed or reset the connection
/// without 88: the chat is over, said in one line on stderr. Any other
/// failure stays an error, said with the peer's address.
pub fn gone(e: io::Error, role: &str, peer: &str) -> io::Result<()> {
    match e.kind() {
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe => {
            warn(
                role,
                &format!("{peer} closed the connection, the chat is over"),
            );
            Ok(())
        }
        Other => Err(e),
        _ => Err(context("the chat with", peer, e)),
    }
}

/// An error with what was being done, where, and a hint chosen by its kind.
pub fn context(action: &str, addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        ConnectionRefused => {
            "; is the server running? start it first: `cargo run -p tcp-chat -- server`"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("{action} {addr}: {e}{hint}"))
}
