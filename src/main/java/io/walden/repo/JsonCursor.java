package io.walden.repo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.walden.wal.Lsn;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads repository JSON token by token, for the files every restore and status reads first (manifests, WAL
 * summaries). Data binding's first use in a process, introspecting records and building deserializers, cost
 * a quarter of a second of a short command; reading tokens costs a tenth of that. Values of the wrong kind
 * are refused with the field and line; unknown fields are skipped, as data binding skips them.
 */
final class JsonCursor {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** JSON that is not valid or has a value of the wrong kind; the message says what and where. */
    static final class InvalidJson extends Exception {
        InvalidJson(String message) {
            super(message);
        }
    }

    /** Reads one value from the cursor. */
    @FunctionalInterface
    interface Reader<T> {
        T read(JsonCursor in) throws IOException, InvalidJson;
    }

    private final JsonParser p;

    private JsonCursor(JsonParser parser) {
        this.p = parser;
    }

    /** The document in {@code json}, read by {@code reader} from its first token; nothing may follow it. */
    static <T> T read(byte[] json, Reader<T> reader) throws InvalidJson {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonCursor in = new JsonCursor(parser);
            T value = reader.read(in);
            if (parser.nextToken() != null) {
                throw in.invalid("more content after the end");
            }
            return value;
        } catch (JacksonException e) {
            throw new InvalidJson(e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidJson(e.getMessage());
        }
    }

    /** Enters an object: call {@link #nextField()} until it returns false. */
    void beginObject() throws IOException, InvalidJson {
        expect(p.nextToken(), JsonToken.START_OBJECT);
    }

    /** Moves to the next field of the current object and returns its name; null at the object's end. */
    String nextField() throws IOException, InvalidJson {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_OBJECT) {
            return null;
        }
        expect(t, JsonToken.FIELD_NAME);
        return p.getText();
    }

    /** Skips the value of a field this reader does not know, however deep. */
    void skipValue() throws IOException {
        p.nextToken();
        p.skipChildren();
    }

    /**
     * Moves to the next value: false if it is null, true if it is of kind {@code expected}; anything else is
     * refused. Every optional value starts here.
     */
    private boolean nextPresent(JsonToken expected) throws IOException, InvalidJson {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        expect(t, expected);
        return true;
    }

    String text() throws IOException, InvalidJson {
        return nextPresent(JsonToken.VALUE_STRING) ? p.getText() : null;
    }

    long longValue() throws IOException, InvalidJson {
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        return p.getLongValue();
    }

    /** A whole number, or null. */
    Long optionalLong() throws IOException, InvalidJson {
        return nextPresent(JsonToken.VALUE_NUMBER_INT) ? p.getLongValue() : null;
    }

    int intValue() throws IOException, InvalidJson {
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        return p.getIntValue();
    }

    boolean bool() throws IOException, InvalidJson {
        JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw invalid("expected true or false, found " + describe(t));
        }
        return t == JsonToken.VALUE_TRUE;
    }

    Instant instant() throws IOException, InvalidJson {
        String s = text();
        try {
            return s == null ? null : UtcInstant.parse(s);
        } catch (RuntimeException e) {
            throw invalid("'" + s + "' is not a time");
        }
    }

    Lsn lsn() throws IOException, InvalidJson {
        String s = text();
        try {
            return s == null ? null : Lsn.parse(s);
        } catch (RuntimeException e) {
            throw invalid("'" + s + "' is not a WAL location");
        }
    }

    /** An array of whole numbers; null reads as an empty array. */
    long[] longs() throws IOException, InvalidJson {
        if (!nextPresent(JsonToken.START_ARRAY)) {
            return new long[0];
        }
        long[] out = new long[16];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.VALUE_NUMBER_INT);
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = p.getLongValue();
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** An array of objects, each read by {@code element} after its opening brace; null reads as an empty list. */
    <T> List<T> list(Reader<T> element) throws IOException, InvalidJson {
        if (!nextPresent(JsonToken.START_ARRAY)) {
            return List.of();
        }
        List<T> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.START_OBJECT);
            out.add(element.read(this));
        }
        return out;
    }

    /** An object read by {@code reader} after its opening brace, or null. */
    <T> T object(Reader<T> reader) throws IOException, InvalidJson {
        return nextPresent(JsonToken.START_OBJECT) ? reader.read(this) : null;
    }

    InvalidJson invalid(String what) {
        String field = p.getParsingContext().getCurrentName();
        return new InvalidJson(what + (field == null ? "" : " at field '" + field + "'") + " (line "
                + p.currentLocation().getLineNr() + ")");
    }

    private void expect(JsonToken actual, JsonToken expected) throws InvalidJson {
        if (actual != expected) {
            throw invalid("expected " + describe(expected) + ", found " + describe(actual));
        }
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case FIELD_NAME -> "a field name";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "a whole number";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name().toLowerCase(Locale.ROOT) : "'" + token.asString() + "'";
        };
    }
}
