<?php
/**
 * Licensor license check for a CS-Cart add-on: ask the service once (POST /v1/licenses/verify), keep the
 * signed token it returns, and check that token offline, with the service's public key (JWKS), until it
 * expires. Plain PHP 5.6 or later with the openssl and json extensions: no Composer package, no cURL.
 *
 * In an add-on: require this file and call
 *
 *     $result = licensor_check_license('https://licensor.example.com', $key, $storeHost, 'cp_my_addon', $cacheFile,
 *         array('version' => '1.4.0', 'platformVersion' => PRODUCT_VERSION, 'edition' => PRODUCT_EDITION));
 *     if (!$result['valid']) { ...disable the add-on, show $result['code']... }
 *
 * From the command line it runs the whole flow once and prints what it did (the test suite runs it so):
 *
 *     php verify-offline.php <base URL> <license key> <domain> <product> [<unix time to check the token at>]
 *
 * exit 0: verified online, token verified offline, tampered token refused, cached check answered offline.
 */

define('LICENSOR_TOKEN_ISSUER', 'licensor');
define('LICENSOR_TOKEN_AUDIENCE', 'licensor-addon');
/** Seconds of clock difference tolerated between the store and the service. */
define('LICENSOR_CLOCK_LEEWAY', 60);
/** How long a correctly signed but expired token still counts while the service cannot be reached. */
define('LICENSOR_OFFLINE_GRACE', 3 * 86400);

/** No trustworthy answer from the service: no connection, an HTTP error or 429, a nonce not echoed. */
class LicensorUnreachable extends RuntimeException
{
}

/**
 * The license check an add-on runs: the cached token when it is still good for this store, otherwise the
 * service (whose token is then cached). Returns array('valid' => bool, 'code' => string, 'source' =>
 * 'cache'|'online'|'grace', 'claims' => array|null). `code` is the service's verification code, or
 * UNREACHABLE, or TOKEN_REJECTED (a valid answer whose token does not verify here: forged, or for another
 * request or store).
 */
function licensor_check_license($baseUrl, $licenseKey, $domain, $product, $cacheFile, array $details = array(), $now = null)
{
    $now = $now === null ? time() : $now;
    $cache = licensor_read_cache($cacheFile);
    // A new add-on version (VERSION_NOT_COVERED), key, store or service needs a new answer.
    $fingerprint = hash('sha256', json_encode(array($baseUrl, $licenseKey, $domain, $product, $details)));
    $cached = isset($cache['fingerprint'], $cache['token'], $cache['jwks']) && $cache['fingerprint'] === $fingerprint;

    if ($cached) {
        try {
            $claims = licensor_verify_token($cache['token'], $cache['jwks'], $domain, $product, $now);
            return array('valid' => true, 'code' => 'VALID', 'source' => 'cache', 'claims' => $claims);
        } catch (UnexpectedValueException $stale) {
            // Expired, or no longer good for this store: ask the service.
        }
    }

    try {
        $answer = licensor_verify_online($baseUrl, $licenseKey, $domain, $product, $details);
        // Fetched with each new token (about once a week), so a rotated key is picked up.
        $jwks = $answer['valid'] ? licensor_fetch_jwks($baseUrl) : null;
    } catch (LicensorUnreachable $unreachable) {
        // The service is down or limits us: a token it signed recently still counts for a while.
        if ($cached) {
            try {
                $claims = licensor_verify_token($cache['token'], $cache['jwks'], $domain, $product, $now, LICENSOR_OFFLINE_GRACE);
                return array('valid' => true, 'code' => 'VALID', 'source' => 'grace', 'claims' => $claims);
            } catch (UnexpectedValueException $tooOld) {
                // Not valid: fall through.
            }
        }
        return array('valid' => false, 'code' => 'UNREACHABLE', 'source' => 'online', 'claims' => null);
    }
    if (!$answer['valid']) {
        licensor_write_cache($cacheFile, array());
        return array('valid' => false, 'code' => $answer['code'], 'source' => 'online', 'claims' => null);
    }
    try {
        $claims = licensor_verify_token($answer['token'], $jwks, $domain, $product, $now);
        licensor_require_nonce($claims, $answer['nonce']);
    } catch (UnexpectedValueException $forged) {
        return array('valid' => false, 'code' => 'TOKEN_REJECTED', 'source' => 'online', 'claims' => null);
    }
    licensor_write_cache($cacheFile, array('fingerprint' => $fingerprint, 'token' => $answer['token'], 'jwks' => $jwks));
    return array('valid' => true, 'code' => 'VALID', 'source' => 'online', 'claims' => $claims);
}

/**
 * POST /v1/licenses/verify with a fresh nonce. `$details` may hold `version` (of the add-on: a release newer
 * than the subscription answers VERSION_NOT_COVERED), `platformVersion` (PRODUCT_VERSION) and `edition`
 * (PRODUCT_EDITION). Returns the answer (valid, code, token?, license?) after checking that it echoes the
 * nonce; throws LicensorUnreachable when there is no usable answer.
 */
function licensor_verify_online($baseUrl, $licenseKey, $domain, $product, array $details = array())
{
    $nonce = licensor_base64url_encode(function_exists('random_bytes') ? random_bytes(16) : openssl_random_pseudo_bytes(16));
    $request = array('licenseKey' => $licenseKey, 'domain' => $domain, 'product' => $product, 'nonce' => $nonce);
    foreach (array('version', 'platformVersion', 'edition') as $field) {
        if (isset($details[$field]) && is_string($details[$field]) && $details[$field] !== '') {
            $request[$field] = $details[$field];
        }
    }
    list($status, $answer) = licensor_http_json('POST', rtrim($baseUrl, '/') . '/v1/licenses/verify', $request);
    if ($status !== 200 || !is_array($answer) || !isset($answer['valid'], $answer['code'])) {
        throw new LicensorUnreachable("the license service answered HTTP $status");
    }
    if (!isset($answer['nonce']) || !is_string($answer['nonce']) || !hash_equals($nonce, $answer['nonce'])) {
        throw new LicensorUnreachable('the answer does not echo our nonce: a replayed or forged answer');
    }
    if ($answer['valid'] === true && (!isset($answer['token']) || !is_string($answer['token']))) {
        throw new LicensorUnreachable('a valid answer without a token');
    }
    return $answer;
}

/**
 * The echoed nonce shows the answer is fresh; the signed one in the token shows the token was made for this
 * request and not replayed from another.
 */
function licensor_require_nonce(array $claims, $nonce)
{
    if (!isset($claims['nonce']) || !is_string($claims['nonce']) || !hash_equals($nonce, $claims['nonce'])) {
        throw new UnexpectedValueException('the token was not issued for this request');
    }
}

/** GET /.well-known/jwks.json: the service's public keys. Throws LicensorUnreachable without them. */
function licensor_fetch_jwks($baseUrl)
{
    list($status, $jwks) = licensor_http_json('GET', rtrim($baseUrl, '/') . '/.well-known/jwks.json');
    if ($status !== 200 || !is_array($jwks) || !isset($jwks['keys']) || !is_array($jwks['keys'])) {
        throw new LicensorUnreachable("no JWKS (HTTP $status)");
    }
    return $jwks;
}

/**
 * Checks a verification token offline: an ES256 JWS signed by a key of `$jwks`, issued by Licensor for
 * add-ons, not expired (`$graceSeconds` more allowed), for an active license of `$product` (sku or add-on
 * id) whose bound domains include `$domain` (a development host needs no binding). Returns the claims;
 * throws UnexpectedValueException saying why otherwise.
 */
function licensor_verify_token($token, array $jwks, $domain, $product, $now = null, $graceSeconds = 0)
{
    $now = $now === null ? time() : $now;
    $parts = explode('.', $token);
    if (count($parts) !== 3) {
        throw new UnexpectedValueException('not a JWS');
    }
    list($headerPart, $claimsPart, $signaturePart) = $parts;
    $header = json_decode(licensor_base64url_decode($headerPart), true);
    $claims = json_decode(licensor_base64url_decode($claimsPart), true);
    if (!is_array($header) || !is_array($claims)) {
        throw new UnexpectedValueException('unreadable token');
    }
    // The algorithm is pinned: never take it from the token (no "none", no HS256 with the public key).
    if (!isset($header['alg'], $header['kid']) || $header['alg'] !== 'ES256') {
        throw new UnexpectedValueException('not an ES256 token with a key id');
    }
    $jwk = null;
    foreach ($jwks['keys'] as $candidate) {
        if (is_array($candidate) && isset($candidate['kid']) && $candidate['kid'] === $header['kid']) {
            $jwk = $candidate;
        }
    }
    if ($jwk === null) {
        throw new UnexpectedValueException('signed by an unknown key');
    }
    $signature = licensor_jose_signature_to_der(licensor_base64url_decode($signaturePart));
    $verified = openssl_verify("$headerPart.$claimsPart", $signature, licensor_jwk_to_pem($jwk), OPENSSL_ALGO_SHA256);
    if ($verified !== 1) {
        throw new UnexpectedValueException('bad signature');
    }

    if (!isset($claims['iss'], $claims['aud']) || $claims['iss'] !== LICENSOR_TOKEN_ISSUER
        || $claims['aud'] !== LICENSOR_TOKEN_AUDIENCE) {
        throw new UnexpectedValueException('not a Licensor add-on token');
    }
    if (!isset($claims['exp']) || !is_int($claims['exp']) || $now > $claims['exp'] + LICENSOR_CLOCK_LEEWAY + $graceSeconds) {
        throw new UnexpectedValueException('expired');
    }
    if (isset($claims['iat']) && is_int($claims['iat']) && $claims['iat'] > $now + LICENSOR_CLOCK_LEEWAY) {
        throw new UnexpectedValueException('issued in the future');
    }
    if (!isset($claims['status']) || $claims['status'] !== 'active') {
        throw new UnexpectedValueException('the license is not active');
    }
    $products = array(isset($claims['product']) ? $claims['product'] : null, isset($claims['addonId']) ? $claims['addonId'] : null);
    if (!in_array($product, $products, true)) {
        throw new UnexpectedValueException('a license of another product');
    }
    $host = licensor_normalize_host($domain);
    $bound = isset($claims['domains']) && is_array($claims['domains']) ? $claims['domains'] : array();
    if (!in_array($host, $bound, true) && !licensor_is_development_host($host)) {
        throw new UnexpectedValueException("the license is not bound to $host");
    }
    return $claims;
}

/**
 * An EC P-256 public JWK as PEM for openssl: the DER SubjectPublicKeyInfo is a fixed 26-byte prefix
 * (SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING of 66 bytes, no unused bits }) followed
 * by the uncompressed point 0x04 || x || y.
 */
function licensor_jwk_to_pem(array $jwk)
{
    if (!isset($jwk['kty'], $jwk['crv'], $jwk['x'], $jwk['y']) || $jwk['kty'] !== 'EC' || $jwk['crv'] !== 'P-256') {
        throw new UnexpectedValueException('not a P-256 key');
    }
    $x = licensor_base64url_decode($jwk['x']);
    $y = licensor_base64url_decode($jwk['y']);
    if (strlen($x) !== 32 || strlen($y) !== 32) {
        throw new UnexpectedValueException('a P-256 coordinate is 32 bytes');
    }
    $der = hex2bin('3059301306072a8648ce3d020106082a8648ce3d030107034200') . "\x04" . $x . $y;
    return "-----BEGIN PUBLIC KEY-----\n" . chunk_split(base64_encode($der), 64, "\n") . "-----END PUBLIC KEY-----\n";
}

/**
 * A JWS ES256 signature is r || s, 32 bytes each; openssl_verify wants DER: SEQUENCE { INTEGER r, INTEGER s },
 * each integer without leading zero bytes but with one 0x00 when its first bit is set (else it is negative).
 */
function licensor_jose_signature_to_der($raw)
{
    if (strlen($raw) !== 64) {
        throw new UnexpectedValueException('an ES256 signature is 64 bytes');
    }
    $integers = '';
    foreach (array(substr($raw, 0, 32), substr($raw, 32)) as $bytes) {
        $bytes = ltrim($bytes, "\x00");
        if ($bytes === '' || ord($bytes[0]) > 0x7f) {
            $bytes = "\x00" . $bytes;
        }
        $integers .= "\x02" . chr(strlen($bytes)) . $bytes;
    }
    return "\x30" . chr(strlen($integers)) . $integers;
}

/** The domain a license is bound to: lowercase host without scheme, port, path, trailing dot or one `www.`. */
function licensor_normalize_host($hostOrUrl)
{
    $text = trim($hostOrUrl);
    if (!preg_match('{^[a-z][a-z0-9+.-]*://}i', $text)) {
        $text = "http://$text";
    }
    $host = parse_url($text, PHP_URL_HOST);
    $host = strtolower(rtrim(is_string($host) ? $host : '', '.'));
    if (preg_match('/[^\x00-\x7f]/', $host) && function_exists('idn_to_ascii')) {
        // The service binds internationalised names in punycode (пример.рф → xn--e1afmkfd.xn--p1ai).
        $ascii = idn_to_ascii($host, 0, INTL_IDNA_VARIANT_UTS46);
        $host = $ascii === false ? $host : $ascii;
    }
    $labels = explode('.', $host);
    return count($labels) > 2 && $labels[0] === 'www' ? implode('.', array_slice($labels, 1)) : $host;
}

/** Hosts the service accepts for any active license without binding them (the built-in ones). */
function licensor_is_development_host($host)
{
    if ($host === 'localhost' || preg_match('/\.(localhost|local|test|example|invalid)$/', $host)) {
        return true;
    }
    $address = trim($host, '[]');
    return filter_var($address, FILTER_VALIDATE_IP) !== false
        && filter_var($address, FILTER_VALIDATE_IP, FILTER_FLAG_NO_PRIV_RANGE | FILTER_FLAG_NO_RES_RANGE) === false;
}

/** One JSON request; returns array(HTTP status, decoded body or null). Throws LicensorUnreachable without an answer. */
function licensor_http_json($method, $url, $payload = null)
{
    $http = array(
        'method' => $method,
        'timeout' => 15,
        'ignore_errors' => true,
        'header' => "Accept: application/json\r\n",
    );
    if ($payload !== null) {
        $http['header'] .= "Content-Type: application/json\r\n";
        $http['content'] = json_encode($payload);
    }
    $context = stream_context_create(array(
        'http' => $http,
        'ssl' => array('verify_peer' => true, 'verify_peer_name' => true),
    ));
    $body = @file_get_contents($url, false, $context);
    if ($body === false || !isset($http_response_header[0])) {
        throw new LicensorUnreachable("no answer from $url");
    }
    $status = preg_match('{^HTTP/\S+ (\d{3})}', $http_response_header[0], $match) ? (int) $match[1] : 0;
    return array($status, json_decode($body, true));
}

function licensor_base64url_encode($bytes)
{
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}

function licensor_base64url_decode($text)
{
    $decoded = base64_decode(strtr($text, '-_', '+/'), true);
    if ($decoded === false) {
        throw new UnexpectedValueException('not base64url');
    }
    return $decoded;
}

function licensor_read_cache($file)
{
    $text = is_file($file) ? file_get_contents($file) : false;
    $cache = $text === false ? null : json_decode($text, true);
    return is_array($cache) ? $cache : array();
}

function licensor_write_cache($file, array $cache)
{
    // Written whole under another name, then renamed: two requests of the store never read half a file.
    $temporary = $file . '.' . getmypid() . '.tmp';
    if (file_put_contents($temporary, json_encode($cache)) !== false) {
        rename($temporary, $file);
    }
}

if (PHP_SAPI === 'cli' && isset($argv[0]) && realpath($argv[0]) === __FILE__) {
    if ($argc < 5 || $argc > 6) {
        fwrite(STDERR, "usage: php verify-offline.php <base URL> <license key> <domain> <product> [<unix time>]\n");
        exit(2);
    }
    list(, $baseUrl, $licenseKey, $domain, $product) = $argv;
    // The service under test may run on a fixed clock: check its tokens at its time, not ours.
    $now = $argc === 6 ? (int) $argv[5] : time();
    try {
        $answer = licensor_verify_online($baseUrl, $licenseKey, $domain, $product);
        echo "online: {$answer['code']}\n";
        if (!$answer['valid']) {
            exit(1);
        }
        $jwks = licensor_fetch_jwks($baseUrl);
        $claims = licensor_verify_token($answer['token'], $jwks, $domain, $product, $now);
        licensor_require_nonce($claims, $answer['nonce']);
        echo 'offline: token verified for license ' . $claims['sub'] . ', product ' . $claims['product']
            . ', domains ' . implode(',', $claims['domains']) . ', expires ' . gmdate('c', $claims['exp']) . "\n";

        $last = substr($answer['token'], -1);
        $tampered = substr($answer['token'], 0, -2) . ($answer['token'][strlen($answer['token']) - 2] === 'A' ? 'B' : 'A') . $last;
        try {
            licensor_verify_token($tampered, $jwks, $domain, $product, $now);
            echo "tampered: ACCEPTED\n";
            exit(1);
        } catch (UnexpectedValueException $refused) {
            echo 'tampered: refused (' . $refused->getMessage() . ")\n";
        }
        try {
            licensor_verify_token($answer['token'], $jwks, $domain, $product, $claims['exp'] + LICENSOR_CLOCK_LEEWAY + 1);
            echo "expired: ACCEPTED\n";
            exit(1);
        } catch (UnexpectedValueException $refused) {
            echo 'expired: refused (' . $refused->getMessage() . ")\n";
        }

        $cacheFile = tempnam(sys_get_temp_dir(), 'licensor');
        $details = array('platformVersion' => '4.18.3', 'edition' => 'ULTIMATE');
        $first = licensor_check_license($baseUrl, $licenseKey, $domain, $product, $cacheFile, $details, $now);
        $second = licensor_check_license($baseUrl, $licenseKey, $domain, $product, $cacheFile, $details, $now);
        unlink($cacheFile);
        echo "check: {$first['code']} from {$first['source']}, then {$second['code']} from {$second['source']}\n";
        exit($first['valid'] && $second['valid'] && $second['source'] === 'cache' ? 0 : 1);
    } catch (Exception $error) {
        fwrite(STDERR, get_class($error) . ': ' . $error->getMessage() . "\n");
        exit(2);
    }
}
