from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "signing_key" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kid" VARCHAR(64) NOT NULL UNIQUE,
    "private_pem" TEXT NOT NULL,
    "public_multibase" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "retired_at" TIMESTAMPTZ
);
COMMENT ON TABLE "signing_key" IS 'An Ed25519 key of the issuer. Retired keys stay published so old credentials verify.';
        CREATE TABLE IF NOT EXISTS "api_key" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "prefix" VARCHAR(24) NOT NULL UNIQUE,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "scopes" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "company_id" INT REFERENCES "company" ("id") ON DELETE CASCADE,
    "created_by_id" INT REFERENCES "user" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_api_key_company_3e9278" ON "api_key" ("company_id");
COMMENT ON TABLE "api_key" IS 'A company''s (or, with no company, the platform staff''s) key for GraphQL clients.';
        CREATE TABLE IF NOT EXISTS "certificate_template" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" INT NOT NULL,
    "signatory_name" VARCHAR(200) NOT NULL,
    "signatory_title" VARCHAR(200) NOT NULL,
    "signature_image" BYTEA,
    "issuer_line" VARCHAR(300) NOT NULL,
    "accent_colour" VARCHAR(7) NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "updated_by_id" INT REFERENCES "user" ("id") ON DELETE SET NULL,
    "company_id" INT UNIQUE REFERENCES "company" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "certificate_template" IS 'A company''s certificate settings; the row with no company is the platform default.';
        CREATE TABLE IF NOT EXISTS "reminder_day" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "day" DATE NOT NULL,
    "user_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_reminder_da_user_id_77c685" UNIQUE ("user_id", "day")
);
COMMENT ON TABLE "reminder_day" IS 'A person was mailed reminders on this (UTC) day: at most one such mail a day.';
        CREATE TABLE IF NOT EXISTS "reminder_sent" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "offset" VARCHAR(32) NOT NULL,
    "sent_at" TIMESTAMPTZ NOT NULL,
    "enrollment_id" INT NOT NULL REFERENCES "enrollment" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_reminder_se_enrollm_33de17" UNIQUE ("enrollment_id", "offset")
);
COMMENT ON TABLE "reminder_sent" IS 'One reminder offset done for one enrollment (e.g. \"before:7d\", \"due\", \"overdue:2\").';
        CREATE TABLE IF NOT EXISTS "report_subscription" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "filters" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_sent_week" VARCHAR(10),
    "user_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_report_subs_user_id_443b37" UNIQUE ("user_id", "kind")
);
COMMENT ON TABLE "report_subscription" IS 'An admin''s weekly mail: \"digest\" (who is overdue) or \"compliance\" (the CSV report).';
        CREATE TABLE IF NOT EXISTS "webhook_subscription" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "url" VARCHAR(2000) NOT NULL,
    "events" VARCHAR(500) NOT NULL,
    "secret" VARCHAR(100) NOT NULL,
    "description" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "disabled_at" TIMESTAMPTZ,
    "company_id" INT NOT NULL REFERENCES "company" ("id") ON DELETE CASCADE,
    "created_by_id" INT REFERENCES "user" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_webhook_sub_company_6ebe51" ON "webhook_subscription" ("company_id");
COMMENT ON TABLE "webhook_subscription" IS 'Where a company wants its events delivered, and the secret that signs them.';
        CREATE TABLE IF NOT EXISTS "webhook_delivery" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "event_id" VARCHAR(64) NOT NULL,
    "event_type" VARCHAR(64) NOT NULL,
    "ordering_key" VARCHAR(100) NOT NULL,
    "payload" JSONB NOT NULL,
    "state" VARCHAR(12) NOT NULL,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMPTZ,
    "last_status" INT,
    "last_error" VARCHAR(500),
    "created_at" TIMESTAMPTZ NOT NULL,
    "delivered_at" TIMESTAMPTZ,
    "subscription_id" INT NOT NULL REFERENCES "webhook_subscription" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_webhook_del_subscri_514d76" UNIQUE ("subscription_id", "event_id")
);
CREATE INDEX IF NOT EXISTS "idx_webhook_del_orderin_22a76f" ON "webhook_delivery" ("ordering_key");
CREATE INDEX IF NOT EXISTS "idx_webhook_del_subscri_c9a145" ON "webhook_delivery" ("subscription_id", "created_at");
COMMENT ON COLUMN "webhook_delivery"."state" IS 'PENDING: PENDING\nDELIVERED: DELIVERED\nFAILED: FAILED';
COMMENT ON TABLE "webhook_delivery" IS 'One event for one subscription: the delivery log admins see, and what is retried.';
        ALTER TABLE "certificate" ADD "template" JSONB NOT NULL DEFAULT '{}';
        ALTER TABLE "certificate" ADD "signature_image" BYTEA;
        ALTER TABLE "course" ADD "credit_hours" DECIMAL(6,2);
        ALTER TABLE "withdrawn_certificate" ADD "status_index" INT;
        ALTER TABLE "withdrawn_certificate" ADD "kind" VARCHAR(16) NOT NULL DEFAULT 'WITHDRAWN';
        ALTER TABLE "withdrawn_certificate" ADD "reason" VARCHAR(32);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "course" DROP COLUMN "credit_hours";
        ALTER TABLE "certificate" DROP COLUMN "template";
        ALTER TABLE "certificate" DROP COLUMN "signature_image";
        ALTER TABLE "withdrawn_certificate" DROP COLUMN "status_index";
        ALTER TABLE "withdrawn_certificate" DROP COLUMN "kind";
        ALTER TABLE "withdrawn_certificate" DROP COLUMN "reason";
        DROP TABLE IF EXISTS "certificate_template";
        DROP TABLE IF EXISTS "webhook_subscription";
        DROP TABLE IF EXISTS "report_subscription";
        DROP TABLE IF EXISTS "api_key";
        DROP TABLE IF EXISTS "signing_key";
        DROP TABLE IF EXISTS "reminder_day";
        DROP TABLE IF EXISTS "reminder_sent";
        DROP TABLE IF EXISTS "webhook_delivery";"""


MODELS_STATE = (
    "eJztXWtz2zbW/isYfakzo800Tp32VXd2RraVVK1ju7acblt1ZIiEJNYUwQKkFe1u//sLgK"
    "R4AymSpiSKwYfWDIkDUg9u537+21liHZn0dd82fkLrTg/8t2PBJWIXiSdd0IG2Hd7nNxw4"
    "NUVTaBuTJ7/RlDoEag67PYMmReyWjqhGDNsxsMUb94GGlza01l9RcIJJF6wMZwEsHNzuAm"
    "eBgG1CZ4bJElAHzmZf0VeAvQCwO+ADgfbi5yugmQayHPqav1XHGnutYc138YKxNbZuLHMN"
    "IFhAugAGZTSYIP178PhoEzQzPj8+8ruiW3dqGloXuJbxl4t458QBeCae8Rc4C+iMLUNnPR"
    "szA1FgOMCwgGlQhwJo6cDEc/oa3GvYZg8tSAhegRUjCnpgP4pgE4ElXAMdfz+2+H2oaYhS"
    "YGP2bnYbaewFrDvRu47ZJf9dENiIUGx5n8N65P0I+LyPnTh4jlhvhIH4+x/stmHp6DOiwT"
    "/tpwn7YlOPzRJD5x2I+xNnbYt7Q8t5LxrykZlONGy6SytsbK+dBbY2rQ3L4XfnyEIEOoh3"
    "7xCXTxzLNU1/igVzyfvSsIn3iREaHc2ga/Lpx6m9DwjvdSaT65vR5H4wmkw6qakZUEQmk3"
    "9Lwxaf1uxTqfj1c/4J/zh9882333z39t0337Em4jM3d77923t1CIxHKOC5HnX+Fs+hA70W"
    "AuMQVPE3BevFAhI5rkH7BLLsk5PIBjjmQRvcCLENV/I+wF3CzxMTWXNnwf755uuvc6D81L"
    "+7+KF/d8JaveKvxGzr8baka//RqfeM4x3i6y3aMgiHFPVgfNjpG0P49JsCAJ9+k4kvfxSH"
    "l+1SE75TlgE4StM6iN8VgfhdNsTvUhBTcT6UATikaOEucVpolzjN2SVO07uERhDHYwKdNM"
    "6X7IljLJEc6zhlAm/dJ30dXBwh+jlgj4YfB/ej/sdb3v2S0r9MgVd/NOBPTsXddeLuybvE"
    "uGw6Ab8MRz8A/k/w2831QMCJqTMn4o1hu9FvHf5N0HXwxMKrCdSjmAS3g1uxYTYhdSYurT"
    "TQSdoahtrfpdRI1z/SBD3jp0rjHKdUo9zkUfalvEkpySROtF1CqTSkxyeipA/DaVlgk3Q7"
    "wna/zEcN4HKJevYkFf/8yZhG+T0myJhbP6G1AHvIPgpamkz085U3F2FPRzV7/w6mUXA3fD"
    "+Bq40aIrFs2e9nvxo5Hifcv7/oXw46GbO4BnAfKCrCOTds7haGNrlwY+iyrwDXD1dXHTGP"
    "p1B7WkGiT2ITmj/BpzhxZ9M2/Wh5ukzegRacC4z4j+GfHmglXd1wBs9IfH5aZxk+7ebqLX"
    "m7Cdo03Ka7zAZZadCapUErz+LtU1Y7wFbaCtaOrU3+61Mjm631CClaqPWoX63E4MKkHIMX"
    "JVG8XZpx9vBBS2iYJSdulKzS7G0asnGV3VkhvfNZjuL5LDV/ley3iylM3emfSHM8TErM4S"
    "RdC7fgt6cFJvHb08w5zB/JwS41heNEahtOz2EdOWwrlVhMfry/uZaDGiFJsoWG5oD/CaP9"
    "rmZw558z1xLMC5i6hukYFn3NX/uvzv75RA5RjEUM5u/Jx/6/k1P74urmPMn78Q7OZTqPQw"
    "mPzmKEn5DVkcqOwcNuvujoLJi4F7Qr4PUyRZAgAgQNOOnfDl8B4ZQxJXhF2QOKKOXDfQL1"
    "pWGBh+Gr7wHmbieGQxOOJzKfl7q7VxJtsyRaMbClzepxKmVY3yoBPbGfVQbgoH0LeZs374"
    "p43iT1ARHHm3cp9pyS2YQijSCJeiYb4wRZ+2Sh+qex8l3Ihp79QJ37c/qz4kgUZP4EztWP"
    "oc+2wXqrMOpxSqUFbbIW1GXsXDnxMEJRSTZs3BLerf3V9Q17+7EPNg3cogbCyKSSG14PI9"
    "xdIMI96zUoviYl3kUfd/MEPC3RUNkGj2l1d3MkqWdEvIFl38Xg00vpNKXESq7aypCaCBIG"
    "x6RsaEOSroVy1k6clwPcShueUoRtRHw3tieXULbNG45ZaoYn6dqI907c832zXdkdJUnXPn"
    "XCTuE28Ryn4T43LEjW+YAHlAnAp2vHi0s5LshzED73TSAbYZLhej687t/9ujGYbCTKq5vr"
    "D+cSk8n5r6NBPzEEBqVuJZ1OjLCFKp02SfcOWvLQZDRhnCaVejtlCgAyUiXvS4zBAVBlrM"
    "FRGmUOrsUcHHN7MOYWdFyCJsaSCfblThgJsTpkKh4ytj4rB75PUBHwpm01B0CcLuDp2bsy"
    "LGxIsSthoU2qB2QRbJpLZJV0qkrR1XOWHr1u7UVePLJhSY/JjYVGmP2voKZ9EOvqqAakqL"
    "Y9NRkL6Nzr0qOPAtYnX58+inBIhfTqkyhPVS5xUKQXQJHD+KE5/V6kyBH5cuIJfza5eYKU"
    "P/4o5qcOqucVPHnQ46PPkD8+gjl3x/KoEbu7BhQ+I5H4h/WgYdtA7MpyMEBQW0S/gX0Rta"
    "BNF9hR/lnNtCqUFNcOIqW9aTS8SXkAk/L6vTTl/jSqnV2JY3tQ8IW4lVZhS0gV5sUxV1Lv"
    "wWUwoSElE9OwSk38BFnrJv3bQpP+bc6kf5ue9DxZIWNjGYrYlfjZ5MXEJQhbh3feGRmg/W"
    "0m1t8mkXZtvaIXaJxSmQwabTIIBqtsbpYUnQockyS+aUhI6dELT3kOl5uJmMZYpWWJe10m"
    "12wNaVkKZB4qqZCrnnfoKJRxRdIO1aiJW2BDkyvfvCfdXH1b2KZWF9bfO+wO3WTXwNQQ13"
    "8oJdQBlVCbYSgObZREOQtInQU+S9jnEbub5SjwuXqYWtPAzGOTB/8exTjklBtATBIPmid9"
    "A5JyOEOSEKRJID/H2ETQypLEo4RJPQij3BX4mzt7VoTc3FzF0D8fJuF9+Hg+uDt5I4aCNT"
    "K8Ayo9wYN9vByLm6BSW8d2Njd6YL6Qyf050tWRgVyUyUpMsEbFGPnsrYwlCznfHJ4s0kjF"
    "FR3T6s5jvg5btaNB0UO7CWgp7Xeu/M1faBThAE6q65Al5CpzepP1yCppRPYG166kESVc+M"
    "LpMSfYtSUZ1M59uvc/3SETZugSfPboA+/jCMc/i2mNrZ8lWk4ReSFC7VJf/71bNpxHTnak"
    "XLh4soUJ37RRPHhbePDSrksq7LYkHx79shTO2VrRBFkbgm73rRulDnTcjJpvA8tdplRHcW"
    "+xDfUevWYu7/rvR51y+HtEPSD+jK3bh/Or4f0Pg8se2FyOLY7m8BO/GVx1KiyQHWS4Uyz0"
    "F8JCx2LmeNFfuqg07klaJSI3WUSGRFsYz5UGOkGqxrnJ48x2Y14aaMFlBMlAI81YQjNzI4"
    "+RJgfao33t99GqYb4cXAw/9q9O3nVPE1bH4DD9JrPKqiost4us965tiugxfTIjeFkOYTmx"
    "gnl7/T5VZa6wJ13BKnM5k7oGjEN1UTtRlq/k0p6jstjtF2o7Xxa53VD440Y0RClr8DKYrk"
    "QnbYJol3rhwdI28Rqh4dLGxOlI9MOJFt08PTHy206MsPHWWPUbCwG26DDUkQ5mhol6wCbo"
    "2UAr8W9CnS5grzR5uDd0wJKxrwCzPQqcGDp7IXbYigDTNXh89FsxqeHx8VU6Yn1XL+Jx66"
    "MFAkG1EK80iBfkzl8DFoggQDG7wbodd/qMej3u+O+iAH1m+JjrsD1vN7ZWkIbf9z1gTDJF"
    "TwjZ7NcAbzOiQETIQ6DDNcCm/hrwz/hAoL34+QosXUcsFWDQMd/WHcTXFzh5fPRGJxhYeq"
    "LR5y7QyfrOtV6xHyRC7HXMurewA9hb2QfxmH0+yiqevoGafD5pynrURGnaqM8/Oyuizz87"
    "y0lbepbO62g50hws2br8CEkrUN67Ir+BCZ8OOK2/9Oonqg5GRV3shmEprYqNUSpNbJNH+V"
    "Dxt43bM2tWDQZCQ4Wo8SShUgluVwlmBdZW0FUVDa1t2gyuM7o2YyYrfevW8PHk4q0hfrxG"
    "zU2oDpRpbWLKwhyNTbxdzWHPfoGMTnfjQqhing+pKKBsELQMNUEBt6gNdZMlK7Ywr973AP"
    "//2Orf3w8/XAvfJ/8qqRVUvk8NO/pa7Puksw2y/IiHVEr6arr0xZmDSqs6QatGuskjDSnP"
    "J1lBHkwTKnmwuWnEDqt+rB9VUTutJKgRml2pho4Z1KACYClU40RK47ZdJRSRI/ejsmgavk"
    "V1FvGptV0fFAb27cstrGEbQnFFW2QnjOF6x9iJu+HFqJPFIihF2xZs01xRAc/GQ2iJm8Ug"
    "1KAjDuduEU9Gm2DORdfin3cb6asle3E5P73ITI5XT5cjGyQV3Y5vomp7O7aMv0sqx73cCR"
    "K9+CapQgEnxvmmbYF6OzqyIXG4Ih3gGcAWCsrdfO8Xrwm65cVrDCviYIiAeJGswk49nUpV"
    "85H9U0CkFPNfbj6sQwsPcWV7oUj8NzmR+G8kFZmVvv0L1LcrfxjlsHE8zHiBRJ0qf9Kh4m"
    "R+xFMZO8lv5zKTf/oNikXBWIZg9Pgnc/bN0sEKk6cuSMafPKH142NGgEu5PnjsyjUGM2+l"
    "AnaT9gAE7LPBkgeVuI5pPCOw4pErGnQpL7nogBMIbDb7sAUIWuJndnOKeBdjizGYBmGkhg"
    "lWgm11nVddr2ajQ8GCXZiIAB7YzX6/162IilkiaNGCwSW/iwQtYhshrjWBM4c1+0MxrPtk"
    "WJ/YzyrDsAbtW8iw1u+Tz1ZhKWy95io3bpGcXDZcc7e+NL4/3t9cy/GNkCT5f0NzwP+Aad"
    "CdsYWdf85cSxNxfFPXMB2DbZP8tf/q7PZ4lUHOIYqx/qkIn2QwT4Kn5x3IUnVVd0kLiPeY"
    "qOvnh8GD70dWwivNo+oB7+/Yunu4vh5ef+gB/2JsXTIhqAf4/9n1oM/a8v8nD/kiC+e7As"
    "vmu8xF812qCKHDi0/LwtezHR0iJPsTob5u9GEaAhpyLSlE85URMcIW6iKORPdQzB3MhMaS"
    "sbFPSJL8MfswT5C1IfnjrtklE1JnggjBkvWUHZkbp2oDzvuOzVVK1S9iI5sZVtWEjQnSvX"
    "i1qhDh4sOcUuoeJpTJT9kj0a+FyXyyVWxm2Kbm8KXQO0rVbNwjo6xqNu5TGMnW5G0Xv49B"
    "q9f5NLwc3PSA+MPkbiZTe3K3dzG2+hej4afh6NceCK7G1s8Pw9+4rD78rYr8XX+8mMrVv/"
    "Nc/S4R1rIJRezlukTZ8d7EMDP9Z5o4AfyMU7dKpri8eTi/GoDbu8HF8H7oawY3LI14yG+F"
    "iW3ZirtKoP5s6AhPXGKWmdsxojYIbqnpXXB+507w1AyfYl1iVsgWkIP2bUB436KxzX2arf"
    "mEapigiY2IJs0bls21ZNGreLE0B8NXTwUddZJMQXtEQWNHh2qu/1QDg3Aa4dLTLRyFU8p5"
    "KiiX/EL3qRYWlt6pD1Ui8iNT3RONDdmm9plEg1Lq1v/Ek+P4eialATpoBpvjK+w1vJ7c3t"
    "18uBvc33fKoc4YzoufuNOA93ds9T/1h1d9Jlj1wOZybEVe0AORf4yti5uPt1eDEe9ic9kM"
    "hcYKOho3DFAbyrbhbGecFGEzXHL4+1rjkqPhZ0Q4xhVUIRLaipqQai4gr3flBLJjTYiY1x"
    "O2QZFqJlUZvcoi0zSDW8ptgSCeir9KxfgUtRrtJo/2lMkKldVBcmKlsEgrLAKFzoSHKpRA"
    "OEWnvBYzodUgIUY1dCOkCuAkwOgz67yKJjNNqMBNgluds6qdp2qaMqjFEcCurVd0UYxTKt"
    "6qybyVyrz5pYx0qJEtZ5NK0Sm7lDSboVCpl0xmGKFRqG639sWNCi+0+LWyJmg3YfVLLd7t"
    "eQ1Dn+AXAty6aqJJcGPr9wXJ4bLFlnImVeM/fa+nFmG+U6vqjetM8eeP0DA7Eotq5Gk3z5"
    "qKRbvJMmhYIOOZSPIw7lC2Lscd4GBRv5SnJdF5fVWvQ3BiYXD/cXQLKCLPiACGzcyYuwTp"
    "r3qCQEdL/BVNGqVq7n5s8QwUENAlNE1g8FVvelPxKwpWcM2750JQkJACif4MDYEVdk0dLO"
    "AzEh+EdFUAtYFW4SXbxNjqkHIu2X6kcSqVPqGImzRBmmEbUuYlG+gY0a4s7wcE+qxISCtr"
    "lVNrNhXUSt3pn0grBXOEpIVe/28LTee3OdP5bXo6O+hzqXK+QftW4Ltvp+iFs5T4+WeDHb"
    "RXYLc+OFsF7R5d0O4tpHSFiX6HKHJGIl+FRP6QtMqVQ2y//YRwgjAPRr2unYpZPyCzLsZ0"
    "soB0UYa5iVO1jllXhd3VAVDJIPLZNlh3FUY5TqlGucmjzJ2SqtiwqTJrHsX42i5hXZYK8I"
    "+Q7DGWQXBlnb2ciPXHHLDlULJSW4RCmTa3mzZdqmq0FagrT7cUaDuMPLeJZpRIcdFIx2zZ"
    "7a9oq9oryQd2WJWKaW9LvZsjxalUTPX739gE+4bvoirSkEIpSSsoSZfs6w3bRBNo0ZW8nA"
    "bGJoJWhgFRQp4Yhymj39VAbO7sdyTOb26uYiNxPkxC/fDxfMCYMzEsYdSbcjg7CFemfKFe"
    "7gtVKr2EtsCGhl7oCXUhOmkR2Dt1gor6jUn515hbWR4La/wnCKTZBRsbzVZhubyEk2JjD1"
    "t40RuE4sCGBOrskYVZVYxwrSe4te3ocuuoLPAyl0sNifbImx5GSKiRNc2UCLJTk2RLAapO"
    "UA11gtzp0nAqhnAmaFsYxNkqc4jPJZUTDBNU6gDZLhpG2dFahMNo6rYjg7qokJiYZs1S4W"
    "/EnBE0RTx3nijktekWlYcmzqb91ugQ/hYQhAQBavNSoDwEY06g5fAaomHl0DC6i3Z5VVHA"
    "OBnCZo5oz9+frnNaa++8Auodb806Z3cjFKwTEftPQTDm7Gh1xtbceEYUWDh4s/chouKqF3"
    "Rioc9OtB88E7e97JXA73NG8BIwwRCxLxgQyNP9ilZ+YVW2dCh7i7Mw2P8wzgo74ZYR8YM6"
    "XZWhcI88ebZEqTLQqAQpxwhug1JlNJQ1aAVv7R8XZW0uUSLFWStT1qFMWRteR/kY5Vuyog"
    "tW5UtoiI1wl8LfHcP6AruWIwSDlNwXfdzNE/n4mDEYwpZbhb33Bhuvf6zYwOEV8CkpF8JE"
    "AD7jk6eQk1EmMKFnNidMsMLkibehC0gQwBYCprE0nLSkV2/XUvnpCQmZ1nuHl0BXSVAHla"
    "D8ESnqCe03b4UD1B4i+GMTvSSnn6RVvH6jeX2xYZbYoDbtlXQsZUQPdLCjJUeQXEKpQjf6"
    "OP9g9xtOdFhQi9sPlJErSP30NyDohbKz1dNOnjyMLl6xw3jdA9ABSzaHxbFLXW3hJfGB/G"
    "H6bK+9d+nxHsQk8B+tjvVDHuv+tEufN3JY/eZ5R0y7jhd+ZKiIJRWx1DyZt6ERS8HJd48s"
    "qddn7Hmxo5EGTbeejTfsEArIAJ7NKHKAzk+mGSbihIrY/07Q6/lrMO5MEXuIet/qY/aOcU"
    "d3kXfBS+awf/ROx51X6XNyZ2/ils8Rk6O96QhsaBDATlyRA28JnxBlZ+vmxXPM3qUxIBZ4"
    "xUVt1sJab6Rtbk0NrKXZZ3E89an3U9ShfNBD2R+EFLDZ4nZI0UKJ++1pAYH77Wl2irHTVB"
    "43nra2gsdaSKaE7EYL2Sol+R75NZU8e0fJsw/FwfH6ZffuNAqBhI9LtdrCzYmqaDRJsF3f"
    "YQGoM36HJwVG6MlcCw1DjzNQxpxxN+MOOFktMGeSfEbqFWA82NgrImHw2cabcNvExf0n4H"
    "2HhKPb4XtydSBPbK4qfuuwtg0+BCW4raB9C3mt+hO8zAzTKRmzESFRMRsxlquWQrJHlYNO"
    "scAVWWBRi1RILPw4K7O9pSkrbXQNS02W2OeKGHHfZNtw36RMuEotrNTCDRAtGqoWvmdjxH"
    "4eG6aORJiIPM0VIqjXbuJ7lxQSHgb66dnZm/8DjCaI+TAodRF5De7YOUWQzh9RHgGyBrY7"
    "ZbzFgt2jGGBTB+zI09lOaLDuAeP6jZnMZrqjl6gcyU0TE0pKCe0sYVJ/VmSbGM/cwdFGyz"
    "TAeXm2YmStkMbyONBdJNsSe5E2EUmzuNtmmQkuo23FICRZxWK8Yh6zmOIWlRBWaQkcmxBG"
    "vMO/wjDHKVWm6KaNckP8EIU0I+GoAyknm5cOxClVxKM1DCoKKkUWPcE3BK1jUndS/k38LQ"
    "Fv0L6FTNFOoiA2dYbK1qFJEbYR8bOzQjP6LGdGnyURh5oIL/CAkgI+sNxlSrMWz5GQ6KPJ"
    "2LNN9HL4aXj50L/qgfB6bA0+3l7d/DoY9EBwlVTzHMZ6RrBZeWAC2j2Worga9O+uB3clTW"
    "UBWQ/4F2Pr4ubjbf/610n/8uPwugdi/xxbjGF7/74HxJ9mjJOOGAsl1BFVmP00tWL4m8bw"
    "K+m92ELjJbtvLJHnSmQYPo5h9xfLlsi9pQ2tdTkjX5yokp1v+0I+PiEmRHVOsGuXwzRKoh"
    "DdZjf1Z2ANptOLsKejArio7TS+VmPm0zu2edwNL0ad9NytAdgPQT+thDW6XGOgsg8A1w9X"
    "V8Uy+Itioy9M4N93ncWm4O2RnaxZcGc4vr8QqVb6YSd085tixi/ESl5PuS2Y7VJ9/QuaLj"
    "B+ukSm8YyI1Dck2aSbp9ReeY35HhO2LhQ2iJ55qF4QvRd1U/fShwY9AhPPPUdxCihinfEo"
    "OxGdZ1BAEMMY6fJwwVrfwMMEHx9Fl2xnfXzkz3gn9+yk0dmwAB82Ch4ffVD+wdt5r6IMYv"
    "ElSLzQz8E4tvibvFt8cVi6SOJDkIb4h1GgE2wD3bVNQ2PzmoLpGuQl8Un6+gdfm/J2TzeN"
    "iEl/KBvCXm0Iz1lBUzlmhOfMgKlGaf8a4/DiAZatdM2D+RjUrI0Bmh3KiEQ8BgvH0ybodg"
    "X24QxkO/FqseHaxFCyd2THekRIVKxHTBFWS30Ox8/IUsV+sCHeowHhdnB9Obz+UNaA4JP1"
    "gH8xti4HV8NPg7vBZQ9sLsfW+/7wit/y/lYyHRQJRn+THYz+JhWMXiF1tkqanadR5Jn+N/"
    "URyqvoJeTKGtNka4wXr8Q2K7fMGkpQ7UiPfHQBOClgESFYEnezJXxsQ9W+0LGzQpzTWQ7n"
    "dKb8gb/QrcrX8VR0EojTqkOpySMd1WiVs25KKFV46HYzZ1KF+EKTnK8/TSY4OTLMi5roJH"
    "OuSdGjssHINhUUT0oTmAvKZ6X5hRcJAxD4JmOwggxxYLD/hJaOgs1u7envhdYdsbPaYZfQ"
    "ATySVWjsl2ljQc19Ky/9ZmnYXVLKR99v3kJ17+nXRZ3Ic73IU7y0t0pKa9ZlYmAbYN6JvO"
    "LtN2UwDilaiPFOtOnRLysBdIJsj8rbXWnN9xB6ouTvbTxkK6Qy3aAc5Urid5xUSd9NHudD"
    "uWo3zeRbs0I42OumZZFN0ilteyPdths2fWvw25YWVgynYw3oFswn1rDJWxja5Mp9gQO3r7"
    "Yw0AvdbSUeocfJUu3Z19ZwFjobXOsCEceYCR/OjkyLJmvXzVWjBRQTLUFSQI/m+bWaaObw"
    "zGmiuAV+RjrPrUyQbUKNXUe67QFkYXe+AA4G0KIrRAQ7cXnX/+UaeCbHhDKt3heMrbvB7V"
    "X/YnAJTvjvDopeolddYGFnwV7rl9CCplK/NVD9JhLs8ZHmqm6NTeYysrWUuHXJM+r3w6QL"
    "eHr2rpS6aEPRPt/L+vEVySarSLUxQqW8aLRQGx6z5cc5SauGutFD3fyKBJ0NU7Qfre8OUq"
    "sgSMtp1kOK9nm17aDIlvCtnIhfV4KPTZIpVVGjCh/3GQesLToSudF/0s2TFGHYRqUdPKbZ"
    "182XqGhJG2WEpIXW4N2karMlmSayEfabtxDd3eRjxpYjLWCXHbkWIdl/5Nph+OjaYtQOep"
    "j9/f8Q2VsQ"
)
