//! TCP时间戳客户端: `ts_tcp_client.py` of article 004.
//!
//! Prompts `> `, sends each line you type (without its newline) and prints
//! the server's answer. An empty line, end of input, or a server that
//! closes ends it.

use std::io::{self, BufRead, Read, Write};
use std::net::TcpStream;

pub const DEFAULT_ADDR: &str = "127.0.0.1:25677";
const BUFSIZ: usize = 1024;

pub fn run(addr: &str) -> io::Result<()> {
    // socket(AF_INET, SOCK_STREAM) + connect(ADDR): one call in Rust.
    let mut tcp_cli_sock = TcpStream::connect(addr).map_err(|e| connect_error(addr, e))?;
    let mut stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    let mut line = Vec::new();
    let mut data = [0; BUFSIZ];

    loop {
        // data = input('> '); the prompt must be flushed, it has no newline.
        write!(stdout, "> ").and_then(|()| stdout.flush()).map_err(console)?;
        line.clear();
        if stdin.read_until(b'\n', &mut line).map_err(console)? == 0 {
            return Ok(()); // end of input: where Python raises EOFError, stop
        }
        let data_out = line.strip_suffix(b"\n").unwrap_or(&line);
        let data_out = data_out.strip_suffix(b"\r").unwrap_or(data_out);
        if data_out.is_empty() {
            return Ok(()); // if not data: break
        }
        // A server that has gone ends the client, as `if not data: break`
        // does, with a line on stderr to say why.
        if let Err(e) = tcp_cli_sock.write_all(data_out) {
            return server_gone(addr, e);
        }
        // One read of up to 1024 bytes, as the article does: an answer
        // longer than that is printed in pieces, one per line you send.
        let n = match tcp_cli_sock.read(&mut data) {
            Ok(0) => return server_gone(addr, io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => n,
            Err(e) => return server_gone(addr, e),
        };
        writeln!(stdout, "{}", String::from_utf8_lossy(&data[..n])).map_err(console)?;
    }
}

/// A failed read of the keyboard or write to the screen (a closed pipe).
fn console(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot use the console (stdin/stdout): {e}"))
}

fn connect_error(addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::ConnectionRefused => {
            "; connection refused: is the server running? start it with `cargo run -p tcp-timestamp -- server`"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("cannot connect to {addr}: {e}{hint}"))
}

/// The server closed or reset the connection: a clean end, said on stderr.
/// Anything else (a read that failed for another reason) is an error.
fn server_gone(addr: &str, e: io::Error) -> io::Result<()> {
    use io::ErrorKind::*;
    match e.kind() {
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe => {
            eprintln!("tcp-timestamp client: server {addr} closed the connection");
            Ok(())
        }
        _ => Err(io::Error::new(e.kind(), format!("connection to {addr} failed: {e}"))),
    }
}
