--
-- A script in the style of pg_dump's plain output.
--

\restrict corpusKey123

SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET client_min_messages = warning;
SET row_security = off;

CREATE SCHEMA app;

--
-- Name: items; Type: TABLE; Schema: app; Owner: -
--

CREATE TABLE app.items (
    id integer NOT NULL,
    label text,
    CONSTRAINT label_check CHECK ((label <> ''::text))
);

CREATE SEQUENCE app.items_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE app.items_id_seq OWNED BY app.items.id;
ALTER TABLE ONLY app.items ALTER COLUMN id SET DEFAULT nextval('app.items_id_seq'::regclass);

--
-- Data for Name: items; Type: TABLE DATA; Schema: app; Owner: -
--

COPY app.items (id, label) FROM stdin;
1	first
2	second; with a semicolon
3	\\N is not null here
\.


SELECT pg_catalog.setval('app.items_id_seq', 3, true);

ALTER TABLE ONLY app.items
    ADD CONSTRAINT items_pkey PRIMARY KEY (id);

CREATE INDEX items_label_idx ON app.items USING btree (label);

--
-- PostgreSQL database dump complete
--

\unrestrict corpusKey123

