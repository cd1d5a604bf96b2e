<?php
/**
 * The legacy license check exactly as the add-ons installed in customers' stores send it (CS-Cart's
 * Tygh\Http::get/post around http_build_query), with plain PHP streams instead of Tygh\Http.
 *
 *   php legacy-client.php <base URL> <GET|POST> <dispatch> '<JSON of the request data>'
 *   php legacy-client.php http://127.0.0.1:3000 POST check_license_20.check \
 *       '{"license":"CP-...","addon":"cp_power_scroll_pagination","companies":[{"storefront":"shop.example.com"}]}'
 *
 * Prints "status=<what the add-on's regular expression captured> http=<status code>" and exits 0 when the
 * add-on would keep running (the status is exactly TRUE), 1 when it would disable itself, 2 when the call
 * itself failed (no answer).
 */

if ($argc !== 5) {
    fwrite(STDERR, "usage: php legacy-client.php <base URL> <GET|POST> <dispatch> '<JSON>'\n");
    exit(2);
}
list(, $baseUrl, $method, $dispatch, $json) = $argv;
$data = json_decode($json, true);
if (!is_array($data)) {
    fwrite(STDERR, "the last argument must be a JSON object\n");
    exit(2);
}

// What every deployed add-on does: JSON, urlencode()d once, then form-encoded by the HTTP client.
$request = urlencode(json_encode($data));

$url = rtrim($baseUrl, '/') . '/index.php';
$method = strtoupper($method);
if ($method === 'GET') {
    $url .= '?' . http_build_query(array('dispatch' => $dispatch, 'request' => $request));
    $http = array('method' => 'GET');
} elseif ($method === 'POST') {
    $url .= '?' . http_build_query(array('dispatch' => $dispatch));
    $http = array(
        'method' => 'POST',
        'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
        'content' => http_build_query(array('request' => $request)),
    );
} else {
    fwrite(STDERR, "the method is GET or POST\n");
    exit(2);
}
$http['timeout'] = 60;
// Read the body of any status: the add-on does not look at the status code, only at the body.
$http['ignore_errors'] = true;

$body = @file_get_contents($url, false, stream_context_create(array('http' => $http)));
if ($body === false) {
    fwrite(STDERR, "no answer from $url\n");
    exit(2);
}
$statusLine = isset($http_response_header[0]) ? $http_response_header[0] : '';
$httpStatus = preg_match('{^HTTP/\S+ (\d{3})}', $statusLine, $s) ? $s[1] : '?';

// The add-on's own check, character for character.
preg_match('/\<status\>(.*)\<\/status\>/u', $body, $m);
$status = isset($m[1]) ? $m[1] : '(none)';

echo "status=$status http=$httpStatus\n";
exit(isset($m[1]) && $m[1] === 'TRUE' ? 0 : 1);
