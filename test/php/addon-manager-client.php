<?php
/**
 * The current add-ons' two channels as the store's side runs them (its own code, written from what the
 * published add-ons do, not theirs):
 *
 *   manager   cp_addons_manager: serialize() the request array, openssl_encrypt('AES-128-CFB') it with the
 *             27-byte constant key (OpenSSL uses its first 16 bytes) and a random iv, hash_hmac('sha256') the
 *             ciphertext with the whole key, base64(mac . ciphertext . iv) as the one field `zdata`, POSTed
 *             with curl and an array CURLOPT_POSTFIELDS (so multipart/form-data), headers Accept-Charset: UTF-8
 *             and the store's host as Referer. The answer is json_decode()d; a `code` is an error the admin
 *             sees; a `zdata` is opened and unserialize()d into `data`, as the manager does. get_archive takes the
 *             raw answer as the package bytes.
 *   upgrade   CS-Cart's Upgrade Center connector: a GET with the query built by http_build_query; `check`
 *             reads the XML with simplexml as the Upgrade Center does, `download` writes the bytes to a file.
 *
 * Usage:
 *   php addon-manager-client.php manager <base URL> <action> '<JSON of params>' [<main_domain>]
 *   php addon-manager-client.php upgrade <base URL> '<JSON of the query>'
 *
 * Prints one line of JSON: for the manager {"http", "response"} (the decoded answer as the manager holds it),
 * or for get_archive and download {"http", "size", "md5"} of the bytes received; for check {"http", "packages"}.
 */

const CP_AM_CK = 'dfor514gdruqr34lbruz6la2qte';

function seal($plaintext)
{
    $iv = openssl_random_pseudo_bytes(openssl_cipher_iv_length('AES-128-CFB'));
    $ciphertext = openssl_encrypt($plaintext, 'AES-128-CFB', CP_AM_CK, OPENSSL_RAW_DATA, $iv);
    $mac = hash_hmac('sha256', $ciphertext, CP_AM_CK, true);
    return base64_encode($mac . $ciphertext . $iv);
}

function open_envelope($zdata)
{
    $sealed = base64_decode($zdata);
    $ivLength = openssl_cipher_iv_length('AES-128-CFB');
    $mac = substr($sealed, 0, 32);
    $iv = substr($sealed, -1 * $ivLength);
    $ciphertext = substr($sealed, 32, strlen($sealed) - $ivLength - 32);
    if (!hash_equals($mac, hash_hmac('sha256', $ciphertext, CP_AM_CK, true))) {
        return '';
    }
    return openssl_decrypt($ciphertext, 'AES-128-CFB', CP_AM_CK, OPENSSL_RAW_DATA, $iv);
}

function curl_call($url, $fields = null, $headers = array())
{
    $ch = curl_init();
    curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
    curl_setopt($ch, CURLOPT_REFERER, 'shop.example.com');
    if ($fields === null) {
        curl_setopt($ch, CURLOPT_HTTPGET, 1);
    } else {
        curl_setopt($ch, CURLOPT_POST, 1);
        curl_setopt($ch, CURLOPT_POSTFIELDS, $fields);
    }
    curl_setopt($ch, CURLOPT_URL, $url);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_setopt($ch, CURLOPT_TIMEOUT, 10);
    $body = curl_exec($ch);
    $http = curl_getinfo($ch, CURLINFO_HTTP_CODE);
    curl_close($ch);
    return array($http, $body);
}

function manager($base, $action, $params, $mainDomain)
{
    $request = array(
        'lang_code' => 'en',
        'referer' => $mainDomain . '/admin.php?dispatch=cp_addons_manager.manage',
        'main_domain' => $mainDomain,
        'extra_headers' => '',
        'test' => '',
        'token' => '',
        'action' => $action,
        'api' => '1.0',
        'params' => array_merge(array('version' => '4.18.3', 'edition' => 'M', 'domains' => ''), $params),
    );
    list($http, $body) = curl_call(
        $base . '/license_api.php',
        array('zdata' => seal(serialize($request))),
        array('Accept-Charset: UTF-8')
    );
    if ($action === 'get_archive') {
        return array('http' => $http, 'size' => strlen((string) $body), 'md5' => md5((string) $body));
    }
    $response = json_decode($body, true);
    if (!empty($response['zdata'])) {
        $response['data'] = unserialize(open_envelope($response['zdata']));
        unset($response['zdata']);
    }
    return array('http' => $http, 'response' => $response);
}

function upgrade_center($base, $query)
{
    list($http, $body) = curl_call($base . '/addon_updates.php?' . http_build_query($query));
    if ($query['action'] === 'download') {
        return array('http' => $http, 'size' => strlen((string) $body), 'md5' => md5((string) $body));
    }
    $packages = array();
    $data = @simplexml_load_string($body);
    if ($data !== false && isset($data->packages->item)) {
        foreach ($data->packages->item as $item) {
            $attributes = $item->attributes();
            $packages[] = array(
                'package_id' => (string) $attributes['id'],
                'file' => (string) $item->file,
                'md5' => (string) $item->file->attributes()->md5,
                'name' => (string) $item->name,
                'description' => (string) $item->description,
                'from_version' => (string) $item->from_version,
                'to_version' => (string) $item->to_version,
                'timestamp' => (int) $item->timestamp,
                'size' => (int) $item->size,
            );
        }
    }
    return array('http' => $http, 'xml' => $data !== false, 'packages' => $packages);
}

$mode = isset($argv[1]) ? $argv[1] : '';
if ($mode === 'manager' && count($argv) >= 5) {
    $result = manager($argv[2], $argv[3], json_decode($argv[4], true), isset($argv[5]) ? $argv[5] : 'https://shop.example.com');
} elseif ($mode === 'upgrade' && count($argv) === 4) {
    $result = upgrade_center($argv[2], json_decode($argv[3], true));
} else {
    fwrite(STDERR, "usage: php addon-manager-client.php manager <base URL> <action> '<JSON params>' [<main_domain>]\n" .
        "       php addon-manager-client.php upgrade <base URL> '<JSON query>'\n");
    exit(2);
}
echo json_encode($result), "\n";
