/*
 * Tessera security control `yara`, profile `strict`: rules for temporary directories only.
 * Programs are installed by packages, never run from /tmp, /var/tmp or /dev/shm; an
 * executable there is how downloaded tools are usually staged.
 */

rule tessera_executable_in_temp
{
    meta:
        description = "An ELF executable or shared object in a temporary directory"
        author = "Tessera"
    condition:
        uint32(0) == 0x464C457F
}

rule tessera_script_with_shebang_in_temp
{
    meta:
        description = "A script with an interpreter line in a temporary directory"
        author = "Tessera"
    strings:
        $shebang = /^#!\/(usr\/)?(local\/)?bin\/(env\s+)?(ba|da|z)?sh|^#!\/(usr\/)?(local\/)?bin\/(env\s+)?(python[0-9.]*|perl)/
    condition:
        $shebang at 0
}
