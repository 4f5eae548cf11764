//! TCP时间戳客户端: `ts_tcp_client.py` of article 004.
//!
//! Prompts `> `, sends each line you type (without its newline) and prints
//! the server's answer. An empty line, end of input, or a server that
//! closes ends it.

use std::io::{self, BufRead, Read, Write};
use std::{net::TcpStream, time::Duration};

const BUFSIZ: usize = 1024;

pub fn run(addr: &str) -> io::Result<()> {
    // socket(AF_INET, SOCK_STREAM) + connect(ADDR): one call in Rust.
    let mut tcp_cli_sock =
        TcpStream::connect(addr).map_err(|e| crate::context("cannot connect to", addr, e))?;
    // Not in the article: a server that accepts and never answers (or one
    // busy with another client) ends the client after 10 s.
    tcp_cli_sock.set_read_timeout(Some(Duration::from_secs(10)))?;
    let console = |e| crate::context("cannot use", "the console (stdin/stdout)", e);
    let (mut stdin, mut stdout) = (io::stdin().lock(), io::stdout().lock());
    let (mut line, mut data) = (Vec::new(), [0; BUFSIZ]);

    loop {
        // data = input('> '); the prompt must be flushed, it has no newline.
        write!(stdout, "> ")
            .and_then(|()| stdout.flush())
            .map_err(console)?;
        line.clear();
        // At most 64 MiB at a time: an endless line (`< /dev/zero`) cannot eat memory.
        if (&mut stdin)
            .take(1 << 26)
            .read_until(b'\n', &mut line)
            .map_err(console)?
            == 0
        {
            // End of input, where Python raises EOFError: stop, and end the
            // prompt's line so the shell's prompt starts on a line of its own.
            return writeln!(stdout).map_err(console);
        }
        let data_out = line
            .strip_suffix(b"\n")
            .map_or(&line[..], |l| l.strip_suffix(b"\r").unwrap_or(l));
        if data_out.is_empty() {
            return Ok(()); // if not data: break
        }
        // The server reads 1024 bytes at a time. A longer line would be
        // answered in several pieces while this client reads one per line
        // (TCP keeps no message boundaries), and a very long one would fill
        // both sides' buffers, each waiting for the other to read: refused.
        if data_out.len() > BUFSIZ {
            let _ = writeln!(
                io::stderr(),
                "tcp-timestamp client: not sent: over the {BUFSIZ} bytes the server reads at once"
            );
            continue;
        }
        // send, then one recv of up to 1024 bytes, as the article does: an
        // answer longer than that shows in pieces, the rest on the next turn.
        match tcp_cli_sock
            .write_all(data_out)
            .and_then(|()| tcp_cli_sock.read(&mut data))
        {
            Ok(0) => return server_gone(addr, io::ErrorKind::UnexpectedEof.into()), // if not data: break
            Ok(n) => writeln!(stdout, "{}", shown(&data[..n])).map_err(console)?,
            Err(e) => return server_gone(addr, e),
        }
    }
}

/// The server closed or reset the connection: a clean end, said on stderr.
/// Anything else (a timeout) is an error.
fn server_gone(addr: &str, e: io::Error) -> io::Result<()> {
    use io::ErrorKind::*;
    if !matches!(
        e.kind(),
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe
    ) {
        return Err(crate::context("no answer from", addr, e));
    }
    let _ = writeln!(
        io::stderr(),
        "tcp-timestamp client: server {addr} closed the connection"
    );
    Ok(())
}

/// What the server sent, as text safe for a terminal: bytes that are not
/// UTF-8 as `�`, control characters (but tab) as `\u{1b}`, so a hostile
/// server cannot retitle or clear the screen.
fn shown(bytes: &[u8]) -> String {
    let show = |c: char| {
        if c.is_control() && c != '\t' {
            c.escape_unicode().to_string()
        } else {
            c.into()
        }
    };
    String::from_utf8_lossy(bytes).chars().map(show).collect()
}
