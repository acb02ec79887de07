/*
 * Tessera security control `yara`: rules written for Tessera, matched against the files a
 * running service can write. They look for what intruders commonly leave behind on Linux
 * servers; a match is a lead for a person to check, not proof.
 */

rule tessera_coin_miner
{
    meta:
        description = "Mining-pool protocol URLs or miner options, typical of a crypto-miner or its configuration"
        author = "Tessera"
    strings:
        $pool_tcp = "stratum+tcp://" ascii wide nocase
        $pool_ssl = "stratum+ssl://" ascii wide nocase
        $pool_tls = "stratum2+tcp://" ascii wide nocase
        $opt_donate = "--donate-level" ascii
        $opt_algo = "randomx" ascii nocase
        $opt_user = "\"user\":" ascii
        $opt_pass = "\"pass\":" ascii
    condition:
        any of ($pool_*) or ($opt_donate and $opt_algo) or (all of ($opt_user, $opt_pass) and $opt_algo)
}

rule tessera_reverse_shell_script
{
    meta:
        description = "Shell, Python or Perl code that connects back to a remote host and hands it a shell"
        author = "Tessera"
    strings:
        $bash_tcp = /(ba)?sh -i\s*[>&]+\s*\/dev\/tcp\/[0-9A-Za-z.\-]+\/[0-9]{1,5}/ ascii
        $nc_exec = /\bnc(at)?\b[^\n]{0,40}\s-[ec]\s+\/bin\/(ba)?sh/ ascii
        $py_pty = "pty.spawn(" ascii
        $py_sock = "socket.socket(" ascii
        $py_dup = "os.dup2(" ascii
        $pl_sock = "use Socket;" ascii
        $pl_exec = /exec\s*\(?\s*["']\/bin\/(ba)?sh -i/ ascii
    condition:
        filesize < 1MB and ($bash_tcp or $nc_exec or ($py_sock and $py_dup and $py_pty) or ($pl_sock and $pl_exec))
}

rule tessera_php_web_shell
{
    meta:
        description = "PHP that runs code or commands taken straight from the request, or decodes and runs hidden code"
        author = "Tessera"
    strings:
        $php = "<?php" ascii nocase
        $run_request = /\b(eval|assert|system|passthru|shell_exec|exec|popen|proc_open)\s*\(\s*\$_(GET|POST|REQUEST|COOKIE|SERVER)\s*\[/ ascii nocase
        $run_decoded = /\b(eval|assert)\s*\(\s*(base64_decode|gzinflate|gzuncompress|str_rot13|hex2bin)\s*\(/ ascii nocase
    condition:
        filesize < 2MB and $php and ($run_request or $run_decoded)
}

rule tessera_ssh_key_planted_by_script
{
    meta:
        description = "A script that appends a key to root's authorized_keys: a common way to keep access"
        author = "Tessera"
    strings:
        $append = /echo\s+["']?ssh-(rsa|ed25519|dss)\s+[A-Za-z0-9+\/=]{40,}[^\n]*>>\s*\/root\/\.ssh\/authorized_keys/ ascii
    condition:
        filesize < 1MB and $append
}
