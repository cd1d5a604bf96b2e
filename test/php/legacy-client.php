<?php
/**
 * The legacy license check exactly as the add-ons installed in customers' stores send it: the add-on calls
 *
 *   Http::get|post('http://<host>/index.php?dispatch=<dispatch>', array('request' => urlencode(json_encode($data))),
 *                  array('timeout' => 60))
 *
 * and CS-Cart's Tygh\Http sends it with curl when PHP has the curl extension, otherwise over a raw socket.
 * This script sends the same request with one of three transports (its own code, not CS-Cart's):
 *
 *   stream  PHP's http:// stream (file_get_contents), the default; no Tygh\Http path, a plain baseline.
 *   curl    Tygh\Http's curl path: GET with the query built by http_build_query, POST with the form body;
 *           CURLOPT_HEADER, FOLLOWLOCATION, a 60 s connect timeout and no overall timeout, no headers of its
 *           own (so curl's defaults: HTTP/1.1, "Host: host:port", curl's catch-all Accept, no User-Agent).
 *   socket  Tygh\Http's fallback without curl (CS-Cart 4.3): fsockopen to the host and port of the URL
 *           (80 by default, plain HTTP only), "<METHOD> <path>?<query> HTTP/1.1", "Host: <host>" (no port),
 *           for POST "Content-type: application/x-www-form-urlencoded" and "Content-Length"; no Connection,
 *           User-Agent or Accept header. It then reads until the server closes the connection (feof), whatever
 *           Content-Length says, so a server that keeps the connection alive makes the check wait for its
 *           keep-alive timeout. It does not decode "Transfer-Encoding: chunked" either (neither does CS-Cart:
 *           the add-on then sees the chunk sizes in the body); this script warns on stderr when that happens.
 *           A read that waits longer than LEGACY_CLIENT_SOCKET_TIMEOUT seconds (10 by default) gives up:
 *           CS-Cart would still be waiting there.
 *
 * Usage (the four-argument form prints exactly what it always printed):
 *
 *   php legacy-client.php <base URL> <GET|POST> <dispatch> '<JSON of the request data>'
 *   php legacy-client.php [--transport=stream|curl|socket] [--timing] <base URL> <GET|POST> <dispatch> '<JSON>'
 *   php legacy-client.php <base URL> <GET|POST> <dispatch> '<JSON>' <stream|curl|socket>
 *
 *   php legacy-client.php --transport=socket http://127.0.0.1:3000 POST check_license_20.check \
 *       '{"license":"CP-...","addon":"cp_power_scroll_pagination","companies":[{"storefront":"shop.example.com"}]}'
 *
 * Prints "status=<what the add-on's regular expression captured> http=<status code>", followed by
 * " ms=<wall time of the call in milliseconds>" whenever a transport is named (flag or fifth argument), with
 * --timing, or with LEGACY_CLIENT_TIMING=1. LEGACY_CLIENT_PRINT_BODY=1 also prints the body, as the add-on
 * gets it, after that line. Exits 0 when the add-on would keep running (the status is exactly TRUE), 1 when it
 * would disable itself, 2 when the call itself failed (no answer, or no end of the answer).
 */

const TRANSPORTS = array('stream', 'curl', 'socket');
// What every add-on passes as $extra['timeout']; Tygh\Http makes it the connect timeout (curl and socket).
const ADDON_TIMEOUT = 60;

function fail($message)
{
    fwrite(STDERR, $message . "\n");
    exit(2);
}

$usage = "usage: php legacy-client.php [--transport=stream|curl|socket] [--timing] <base URL> <GET|POST> <dispatch> '<JSON>' [stream|curl|socket]";
$positional = array();
$transport = null;
$timing = getenv('LEGACY_CLIENT_TIMING') === '1';
foreach (array_slice($argv, 1) as $arg) {
    if (strpos($arg, '--transport=') === 0) {
        $transport = substr($arg, strlen('--transport='));
    } elseif ($arg === '--timing') {
        $timing = true;
    } elseif (strpos($arg, '--') === 0) {
        fail("unknown option $arg\n$usage");
    } else {
        $positional[] = $arg;
    }
}
if (count($positional) === 5) {
    if ($transport !== null && $transport !== $positional[4]) {
        fail("two different transports given: $transport and {$positional[4]}");
    }
    $transport = array_pop($positional);
}
if (count($positional) !== 4) {
    fail($usage);
}
if ($transport === null) {
    $transport = 'stream';
} else {
    $timing = true;
}
if (!in_array($transport, TRANSPORTS, true)) {
    fail('the transport is one of ' . implode(', ', TRANSPORTS) . ", not $transport");
}
list($baseUrl, $method, $dispatch, $json) = $positional;
$data = json_decode($json, true);
if (!is_array($data)) {
    fail('the JSON argument must be a JSON object');
}
$method = strtoupper($method);
if ($method !== 'GET' && $method !== 'POST') {
    fail('the method is GET or POST');
}
if ($transport === 'curl' && !function_exists('curl_init')) {
    fail('the curl transport needs PHP\'s curl extension, which is not loaded here (apt-get install php-curl)');
}

// What every deployed add-on does: the dispatch in the URL it is given, the JSON urlencode()d once as "request".
$checkUrl = rtrim($baseUrl, '/') . '/index.php?' . http_build_query(array('dispatch' => $dispatch));
$fields = array('request' => urlencode(json_encode($data)));

/**
 * The URL and the form-encoded data Tygh\Http sends for the add-on's call: a GET merges the query of the URL
 * with the data (the URL's fields first) into one http_build_query; a POST keeps the URL's query and sends
 * the data, http_build_query'd, as the body.
 */
function prepare($method, $url, array $fields)
{
    $parts = parse_url($url);
    $path = isset($parts['path']) && $parts['path'] !== '' ? $parts['path'] : '/';
    $bare = $parts['scheme'] . '://' . $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '') . $path;
    $query = isset($parts['query']) ? $parts['query'] : '';
    if ($method === 'GET') {
        $args = array();
        if ($query !== '') {
            parse_str($query, $args);
        }
        return array($bare, http_build_query(array_merge($args, $fields)));
    }
    return array($bare . ($query !== '' ? '?' . $query : ''), http_build_query($fields));
}

/**
 * Splits the raw answer (header blocks, then body) as Tygh\Http does: as long as it starts with "HTTP/1",
 * the text up to the first empty line is a header block (a 100 Continue, a redirect, then the answer).
 * Returns array(last header block, body).
 */
function splitAnswer($raw)
{
    $headers = '';
    while (strpos(ltrim($raw), 'HTTP/1') === 0) {
        $halves = preg_split("/(\r?\n){2}/", $raw, 2);
        $headers = $halves[0];
        $raw = isset($halves[1]) ? $halves[1] : '';
    }
    return array($headers, $raw);
}

function statusCodeOf($headers)
{
    return preg_match('{^\s*HTTP/\S+ (\d{3})}', $headers, $s) ? $s[1] : '?';
}

/** The call through PHP's http:// stream. Returns array(status code, body). */
function viaStream($method, $url, $body)
{
    if ($method === 'GET') {
        $url .= '?' . $body;
        $http = array('method' => 'GET');
    } else {
        $http = array(
            'method' => 'POST',
            'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
            'content' => $body,
        );
    }
    $http['timeout'] = ADDON_TIMEOUT;
    // Read the body of any status: the add-on does not look at the status code, only at the body.
    $http['ignore_errors'] = true;
    $answer = @file_get_contents($url, false, stream_context_create(array('http' => $http)));
    if ($answer === false) {
        fail("no answer from $url");
    }
    $statusLine = isset($http_response_header[0]) ? $http_response_header[0] : '';
    return array(statusCodeOf($statusLine), $answer);
}

/** The call as Tygh\Http's curl path makes it. Returns array(status code, body). */
function viaCurl($method, $url, $body)
{
    $ch = curl_init();
    curl_setopt($ch, CURLOPT_CONNECTTIMEOUT, ADDON_TIMEOUT);
    if ($method === 'GET') {
        curl_setopt($ch, CURLOPT_HTTPGET, 1);
        $url .= '?' . $body;
    } else {
        // A string body: curl sends it as application/x-www-form-urlencoded.
        curl_setopt($ch, CURLOPT_POST, 1);
        curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
    }
    curl_setopt($ch, CURLOPT_URL, $url);
    curl_setopt($ch, CURLOPT_HEADER, 1);
    curl_setopt($ch, CURLOPT_FOLLOWLOCATION, 1);
    curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, 0);
    curl_setopt($ch, CURLOPT_SSL_VERIFYHOST, 2);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
    $raw = curl_exec($ch);
    $error = curl_error($ch);
    $errno = curl_errno($ch);
    curl_close($ch);
    if ($raw === false || $raw === '') {
        fail("no answer from $url: curl ($errno): $error");
    }
    list($headers, $answer) = splitAnswer($raw);
    return array(statusCodeOf($headers), $answer);
}

/** The call as Tygh\Http's socket fallback (CS-Cart 4.3) makes it. Returns array(status code, body). */
function viaSocket($method, $url, $body)
{
    $parts = parse_url($url);
    if (strtolower($parts['scheme']) !== 'http') {
        fail('the socket transport speaks plain HTTP only, as the socket path of Tygh\Http does');
    }
    $port = isset($parts['port']) ? $parts['port'] : 80;
    $readTimeout = getenv('LEGACY_CLIENT_SOCKET_TIMEOUT');
    $readTimeout = is_numeric($readTimeout) && $readTimeout > 0 ? (float) $readTimeout : 10.0;

    $socket = @fsockopen($parts['host'], $port, $errno, $error, ADDON_TIMEOUT);
    if (!$socket) {
        fail("no connection to {$parts['host']}:$port: socket ($errno): $error");
    }
    stream_set_timeout($socket, (int) floor($readTimeout), (int) (($readTimeout - floor($readTimeout)) * 1e6));

    $path = isset($parts['path']) ? $parts['path'] : '/';
    if ($method === 'GET') {
        $target = $path . '?' . $body;
    } else {
        $target = $path . (isset($parts['query']) ? '?' . $parts['query'] : '');
    }
    // One write a line, like Tygh\Http; no "Connection: close".
    $lines = array("$method $target HTTP/1.1\r\n", "Host: {$parts['host']}\r\n");
    if ($method === 'POST') {
        $lines[] = "Content-type: application/x-www-form-urlencoded\r\n";
        $lines[] = 'Content-Length: ' . strlen($body) . "\r\n";
        $lines[] = "\r\n";
        $lines[] = $body;
    } else {
        $lines[] = "\r\n";
    }
    foreach ($lines as $line) {
        if (@fwrite($socket, $line) !== strlen($line)) {
            fclose($socket);
            fail("could not send the request to {$parts['host']}:$port");
        }
    }

    // Until the server closes the connection: Tygh\Http reads nothing else to know the answer is complete.
    $raw = '';
    while (!feof($socket)) {
        $chunk = fread($socket, 65536);
        if ($chunk !== false) {
            $raw .= $chunk;
        }
        $meta = stream_get_meta_data($socket);
        if ($meta['timed_out']) {
            fclose($socket);
            list($headers) = splitAnswer($raw);
            fail(sprintf(
                'socket: the server did not close the connection within %s s of the last data (after %d ms, %d bytes'
                . ' read, %s); CS-Cart would still be waiting',
                $readTimeout,
                round((microtime(true) - $GLOBALS['started']) * 1000),
                strlen($raw),
                $headers === '' ? 'no answer' : 'answer ' . statusCodeOf($headers)
            ));
        }
    }
    fclose($socket);
    if ($raw === '') {
        fail("no answer from {$parts['host']}:$port: the connection closed without one");
    }
    list($headers, $answer) = splitAnswer($raw);
    if (preg_match('/^Transfer-Encoding:\s*chunked/mi', $headers)) {
        fwrite(STDERR, "warning: the answer is chunked; Tygh\\Http's socket path does not decode it, so the body"
            . " the add-on reads keeps the chunk sizes\n");
    }
    return array(statusCodeOf($headers), $answer);
}

list($url, $body) = prepare($method, $checkUrl, $fields);
$started = microtime(true);
if ($transport === 'curl') {
    list($httpStatus, $answer) = viaCurl($method, $url, $body);
} elseif ($transport === 'socket') {
    list($httpStatus, $answer) = viaSocket($method, $url, $body);
} else {
    list($httpStatus, $answer) = viaStream($method, $url, $body);
}
$ms = (int) round((microtime(true) - $started) * 1000);

// The add-on's own check, character for character.
preg_match('/\<status\>(.*)\<\/status\>/u', $answer, $m);
$status = isset($m[1]) ? $m[1] : '(none)';

echo "status=$status http=$httpStatus" . ($timing ? " ms=$ms" : '') . "\n";
if (getenv('LEGACY_CLIENT_PRINT_BODY') === '1') {
    echo $answer . (substr($answer, -1) === "\n" ? '' : "\n");
}
exit(isset($m[1]) && $m[1] === 'TRUE' ? 0 : 1);
