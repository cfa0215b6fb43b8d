/**
 * The `dial --help` text, kept apart from the parser so the option table
 * stays readable; the tests check every option in it is one the parser knows.
 *
 * @module
 */

/** The `dial --help` text. */
export const HELP = `Usage: dial [options...] <url>...
 -o, --output <file>        Write to file instead of stdout (#1 = glob value)
 -O, --remote-name          Name the file after the URL's last path segment
 -J, --remote-header-name   With -O, name the file as the server's Content-Disposition says
     --output-dir <dir>     Put -O files (and relative -o files) in this directory
 -R, --remote-time          Give saved files the server's Last-Modified time
 -N, --no-buffer            Write each piece of a body to stdout as it arrives (small bodies too)
     --remote-name-all      -O for every URL
     --create-dirs          Create missing directories for -o
     --no-clobber           Never overwrite an -o file: write NAME.1, NAME.2 ... instead
     --remove-on-error      Leave no output file when the transfer fails (even with -C)
 -I, --head                 Show the headers only
 -i, --include              Include the response headers in the output
 -D, --dump-header <file>   Write the response headers to file
 -v, --verbose              Show the conversation (* did, > sent, < received)
     --trace-json <file>    Write the conversation as JSON lines
 -s, --silent               No progress meter, no error messages
     --no-progress-meter    No progress meter
 -#, --progress-bar         A bar of # in place of the meter line
     --stderr <file>        Write what goes to stderr to this file (- = stdout)
 -S, --show-error           Show errors even with -s
 -f, --fail                 Fail (exit 22) on HTTP errors, print no body
     --fail-early           Stop at the first failed transfer (else the last URL decides the exit code)
     --fail-with-body       Fail (exit 22) on HTTP errors, keep the body
 -L, --location             Follow redirects (--max-redirs <n>, default 50)
 -X, --request <method>     Request method
 -H, --header <line>        Extra header (repeatable)
 -d, --data <data>          POST data; @file reads a file, stripping newlines (also --data-ascii)
     --data-binary <data>   POST data; @file is sent byte for byte
     --data-raw <data>      POST data; @ is not special
     --data-urlencode <d>   POST data, percent-encoded (name=value, name@file)
     --url-query <d>        Add to each URL's query, as --data-urlencode (+text as written)
     --json <data>          POST JSON with JSON Content-Type and Accept
 -G, --get                  Put -d data in the URL query instead
 -F, --form <name=content>  Multipart form field; name=@file uploads a file
     --form-string <n=v>    Multipart form field whose value is taken as written
 -T, --upload-file <file>   Upload a file (PUT for HTTP, STOR for FTP, a message for SMTP, an article for NNTP)
 -u, --user <user:pass>     Credentials
     --basic / --digest     Send them with Basic only / only to a Digest challenge
     --anyauth              Send them only when asked, in the strongest scheme offered
 -K, --config <file>        Read options from a file (curl's syntax; - = stdin)
 -n, --netrc                Credentials from ~/.netrc (its password wins over the URL's)
     --netrc-file <file>    ... from this file; --netrc-optional: the URL's password wins
 -x, --proxy <url>          Proxy (http://, https://, socks5://, socks5h://)
     --socks5-hostname <h:p>  SOCKS5 proxy resolving names itself
     --socks5/--socks4/--socks4a <h:p>  SOCKS proxies (the last proxy option wins)
 -U, --proxy-user <u:p>     Proxy credentials (a proxy URL's own win)
     --noproxy <list>       Hosts that bypass the proxy
 -k, --insecure             Do not verify the server's certificate
     --cacert <file>        Trust these CA certificates
 -E, --cert <file>          Client certificate (--key <file>, --pass <phrase> for an encrypted key)
     --cert-type <type>     PEM (default), DER or P12; --key-type <type>: PEM or DER
     --capath <dir>         Trust the PEM CA certificates of this directory (dir1:dir2 for more)
     --pinnedpubkey <k>     Only a server whose public key is sha256//<base64>[;sha256//...] or that of a PEM/DER key file (exit 90)
     --tlsv1.2, --tlsv1.3   Use at least this TLS version (--tls-max <1.0|1.1|1.2|1.3|default>: at most)
     --ciphers <list>       TLS 1.2 cipher list (OpenSSL names); --tls13-ciphers <list>: TLS 1.3 suites
 -C, --continue-at <n|->    Resume at offset n, or - for the size of the output file
 -r, --range <a-b>          Byte range
 -m, --max-time <s>         Bound on each transfer
     --connect-timeout <s>  Bound on connecting
     --max-filesize <n>     Refuse bodies larger than n bytes (k, M, G)
     --compressed           Ask for a compressed response and decode it
     --limit-rate <speed>   Hold each transfer to this many bytes per second (k, m, g suffixes)
 -0, --http1.0              Send HTTP/1.0 requests (one connection each; --http1.1 is the default)
     --unix-socket <path>   Connect through this Unix socket
 -Z, --parallel             Transfer in parallel (--parallel-max <n>, default 50)
 -w, --write-out <format>   Print %{http_code}, %{size_download}, %{time_total}… after each transfer
     --mail-from <addr>     SMTP sender
     --mail-rcpt <addr>     SMTP recipient (repeatable)
 -z, --time-cond <[-]date|file>  Only a document newer (-: older) than the date or the file's time
 -l, --list-only            List names only (FTP NLST; POP3 LIST N instead of RETR N)
 -P, --ftp-port <addr>      Active FTP (PORT/EPRT), listening as for -P -; --ftp-pasv goes back to passive
     --ftp-create-dirs      Make the missing directories of an FTP path (MKD)
     --ssl-reqd             Require TLS on ftp/pop3/nntp/smtp URLs (AUTH TLS, STLS, STARTTLS)
 -b, --cookie <data|file>   Send cookies: name=value; n2=v2, or read a cookie file ('' = start the engine empty)
 -c, --cookie-jar <file>    Write every cookie to this file at the end (curl's format; - = stdout)
 -j, --junk-session-cookies Leave out the session cookies read with -b
 -A, --user-agent <name>    User-Agent header
 -e, --referer <url>        Referer header
     --resolve <h:p:addr>   Use addr for host h at port p
 -4, --ipv4                 Resolve names to IPv4 addresses only
 -6, --ipv6                 Resolve names to IPv6 addresses only
     --retry <n>            Retry transient failures n times (--retry-delay, --retry-max-time)
     --retry-connrefused    Count a refused connection as transient
     --retry-all-errors     Count every failure as transient (an HTTP error with -f too)
 -g, --globoff              Take {} and [] in URLs literally
 -V, --version              Show the version
     --url <url>            A URL (as a positional argument)
 -h, --help                 Show this help
`;
