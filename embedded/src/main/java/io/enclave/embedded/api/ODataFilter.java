package io.enclave.embedded.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The part of OData {@code $filter} that OpenFEMA clients use: {@code field op 'value'} with
 * {@code eq ne gt ge lt le}, {@code and}, {@code or} and parentheses. Date-times compare as
 * instants, everything else as text. A filter it cannot read is an error (HTTP 400), as on the
 * real API, so a client bug cannot pass for "no filter".
 */
public final class ODataFilter {
    private final List<String> tokens;
    private int pos;

    private ODataFilter(List<String> tokens) {
        this.tokens = tokens;
    }

    /** A predicate over records; empty or null filter text matches everything. */
    public static Predicate<JsonNode> parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return r -> true;
        }
        ODataFilter parser = new ODataFilter(tokenize(filter));
        Predicate<JsonNode> p = parser.or();
        if (parser.pos != parser.tokens.size()) {
            throw new IllegalArgumentException("unexpected '" + parser.tokens.get(parser.pos) + "'");
        }
        return p;
    }

    private Predicate<JsonNode> or() {
        Predicate<JsonNode> left = and();
        while (peek("or")) {
            pos++;
            left = left.or(and());
        }
        return left;
    }

    private Predicate<JsonNode> and() {
        Predicate<JsonNode> left = term();
        while (peek("and")) {
            pos++;
            left = left.and(term());
        }
        return left;
    }

    private Predicate<JsonNode> term() {
        if (peek("(")) {
            pos++;
            Predicate<JsonNode> inner = or();
            expect(")");
            return inner;
        }
        String field = next();
        String op = next();
        String literal = next();
        if (!literal.startsWith("'")) {
            throw new IllegalArgumentException("expected a quoted value after " + field + " " + op);
        }
        String value = literal.substring(1, literal.length() - 1).replace("''", "'");
        return record -> compare(record.get(field), value, op);
    }

    private static boolean compare(JsonNode actual, String value, String op) {
        if (actual == null || actual.isNull()) {
            return op.equals("ne");
        }
        String text = actual.asText();
        int c;
        Instant a = instant(text);
        Instant b = instant(value);
        c = a != null && b != null ? a.compareTo(b) : text.compareTo(value);
        return switch (op) {
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            case "gt" -> c > 0;
            case "ge" -> c >= 0;
            case "lt" -> c < 0;
            case "le" -> c <= 0;
            default -> throw new IllegalArgumentException("unknown operator " + op);
        };
    }

    static Instant instant(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private boolean peek(String token) {
        return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(token);
    }

    private String next() {
        if (pos >= tokens.size()) {
            throw new IllegalArgumentException("filter ends too early");
        }
        return tokens.get(pos++);
    }

    private void expect(String token) {
        if (!peek(token)) {
            throw new IllegalArgumentException("expected '" + token + "'");
        }
        pos++;
    }

    private static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
            } else if (ch == '(' || ch == ')') {
                out.add(String.valueOf(ch));
                i++;
            } else if (ch == '\'') {
                int j = i + 1;
                while (true) {
                    if (j >= s.length()) {
                        throw new IllegalArgumentException("unterminated string");
                    }
                    if (s.charAt(j) == '\'') {
                        if (j + 1 < s.length() && s.charAt(j + 1) == '\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                out.add(s.substring(i, j + 1));
                i = j + 1;
            } else {
                int j = i;
                while (j < s.length()
                        && !Character.isWhitespace(s.charAt(j))
                        && s.charAt(j) != '('
                        && s.charAt(j) != ')') {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        return out;
    }
}
