package com.layerrisk;

/**
 * A rule set's identity, as every record carries it.
 *
 * @param name the rules file's name
 * @param version its version
 * @param sha256 the SHA-256 of its bytes, lower-case hex
 */
public record RulesId(String name, String version, String sha256) {}
