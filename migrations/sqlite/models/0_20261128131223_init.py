from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "audit_event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "actor_id" INT,
    "actor_email" VARCHAR(254),
    "company_id" INT,
    "subject_type" VARCHAR(32) NOT NULL,
    "subject_id" INT,
    "details" JSON NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_audit_event_at_500752" ON "audit_event" ("at");
CREATE INDEX IF NOT EXISTS "idx_audit_event_company_a8d905" ON "audit_event" ("company_id");
CREATE TABLE IF NOT EXISTS "company" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(200) NOT NULL UNIQUE,
    "logo" BLOB,
    "logo_updated_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "rate_counter" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(200) NOT NULL,
    "window_start" TIMESTAMP NOT NULL,
    "count" INT NOT NULL,
    CONSTRAINT "uid_rate_counte_key_f3b61e" UNIQUE ("key", "window_start")
) /* Fixed-window counters in the database, so several workers share one limit. */;
CREATE TABLE IF NOT EXISTS "user" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "name" VARCHAR(200) NOT NULL,
    "password_hash" VARCHAR(255) NOT NULL,
    "account_type" VARCHAR(16) NOT NULL /* INDIVIDUAL: INDIVIDUAL\nEMPLOYEE: EMPLOYEE */,
    "role" VARCHAR(16) NOT NULL /* LEARNER: LEARNER\nCOMPANY_ADMIN: COMPANY_ADMIN\nSTAFF: STAFF */,
    "created_at" TIMESTAMP NOT NULL,
    "company_id" INT REFERENCES "company" ("id") ON DELETE RESTRICT
);
CREATE TABLE IF NOT EXISTS "auth_token" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "kind" VARCHAR(16) NOT NULL,
    "csrf_secret" VARCHAR(64),
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "user_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
) /* A bearer token (API) or a browser session (admin UI); only its hash is stored. */;
CREATE INDEX IF NOT EXISTS "idx_auth_token_expires_018e6d" ON "auth_token" ("expires_at");
CREATE TABLE IF NOT EXISTS "course" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "description" TEXT,
    "status" VARCHAR(16) NOT NULL /* DRAFT: DRAFT\nPUBLISHED: PUBLISHED\nARCHIVED: ARCHIVED */,
    "created_at" TIMESTAMP NOT NULL,
    "published_at" TIMESTAMP,
    "archived_at" TIMESTAMP,
    "created_by_id" INT REFERENCES "user" ("id") ON DELETE SET NULL,
    "duplicated_from_id" INT REFERENCES "course" ("id") ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS "enrollment" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "source" VARCHAR(16) NOT NULL /* SELF: SELF\nASSIGNED: ASSIGNED */,
    "created_at" TIMESTAMP NOT NULL,
    "completed_at" TIMESTAMP,
    "assigned_by_id" INT REFERENCES "user" ("id") ON DELETE SET NULL,
    "company_id" INT REFERENCES "company" ("id") ON DELETE RESTRICT,
    "course_id" INT NOT NULL REFERENCES "course" ("id") ON DELETE RESTRICT,
    "learner_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_enrollment_learner_b83071" UNIQUE ("learner_id", "course_id")
);
CREATE TABLE IF NOT EXISTS "certificate" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "verification_code" VARCHAR(64) NOT NULL UNIQUE,
    "learner_name" VARCHAR(200) NOT NULL,
    "learner_email" VARCHAR(254) NOT NULL,
    "course_title" VARCHAR(200) NOT NULL,
    "company_name" VARCHAR(200),
    "company_logo" BLOB,
    "issued_at" TIMESTAMP NOT NULL,
    "template_version" INT NOT NULL,
    "pdf" BLOB NOT NULL,
    "sha256" VARCHAR(64) NOT NULL,
    "enrollment_id" INT NOT NULL UNIQUE REFERENCES "enrollment" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_certificate_sha256_de9cee" ON "certificate" ("sha256");
CREATE TABLE IF NOT EXISTS "lesson" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" INT NOT NULL,
    "kind" VARCHAR(16) NOT NULL /* VIDEO: VIDEO\nREADING: READING\nACTIVITY: ACTIVITY\nQUIZ: QUIZ */,
    "title" VARCHAR(200) NOT NULL,
    "duration_seconds" REAL,
    "video_url" VARCHAR(2000),
    "body" TEXT,
    "passing_score_percent" INT,
    "max_attempts" INT,
    "course_id" INT NOT NULL REFERENCES "course" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_lesson_course__2bf6a1" UNIQUE ("course_id", "position")
);
CREATE TABLE IF NOT EXISTS "lesson_progress" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "status" VARCHAR(16) NOT NULL /* LOCKED: LOCKED\nAVAILABLE: AVAILABLE\nIN_PROGRESS: IN_PROGRESS\nCOMPLETED: COMPLETED */,
    "watched_spans" JSON NOT NULL,
    "covered_seconds" REAL NOT NULL,
    "last_report_at" TIMESTAMP,
    "best_score_percent" INT,
    "attempts_used" INT NOT NULL,
    "extra_attempts" INT NOT NULL,
    "started_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP,
    "completed_at" TIMESTAMP,
    "enrollment_id" INT NOT NULL REFERENCES "enrollment" ("id") ON DELETE CASCADE,
    "lesson_id" INT NOT NULL REFERENCES "lesson" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_lesson_prog_enrollm_4544f4" UNIQUE ("enrollment_id", "lesson_id")
);
CREATE TABLE IF NOT EXISTS "question" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" INT NOT NULL,
    "prompt" TEXT NOT NULL,
    "multiple_answers" INT NOT NULL,
    "lesson_id" INT NOT NULL REFERENCES "lesson" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_question_lesson__8c055e" UNIQUE ("lesson_id", "position")
);
CREATE TABLE IF NOT EXISTS "choice" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" INT NOT NULL,
    "text" TEXT NOT NULL,
    "is_correct" INT NOT NULL,
    "question_id" INT NOT NULL REFERENCES "question" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_choice_questio_f10747" UNIQUE ("question_id", "position")
);
CREATE TABLE IF NOT EXISTS "quiz_attempt" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "number" INT NOT NULL,
    "score_percent" INT NOT NULL,
    "passed" INT NOT NULL,
    "answers" JSON NOT NULL,
    "submitted_at" TIMESTAMP NOT NULL,
    "progress_id" INT NOT NULL REFERENCES "lesson_progress" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_quiz_attemp_progres_0e5adb" UNIQUE ("progress_id", "number")
);
CREATE TABLE IF NOT EXISTS "withdrawn_certificate" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "verification_code" VARCHAR(64) NOT NULL UNIQUE,
    "sha256" VARCHAR(64) NOT NULL,
    "issued_at" TIMESTAMP NOT NULL,
    "withdrawn_at" TIMESTAMP NOT NULL
) /* What is left of a removed certificate: enough to answer WITHDRAWN, nothing personal. */;
CREATE INDEX IF NOT EXISTS "idx_withdrawn_c_sha256_4b20d8" ON "withdrawn_certificate" ("sha256");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXW1zo7YW/isaPm1n0p1NmqQd986dwYmz9a1jp46z223TYWRbibnB4CJINu3Nf78S7w"
    "iBEcY2pvqSYEmHl0cH6ZznHIm/laU1RwZ+r7pz3ek9I9NROuBvxYRLRA44tUdAgatVXEcL"
    "HDg1vOaQttNQ1HCKHRvO6CkfoIERKZojPLP1laNbJik1XcOghdaMNNTNx7jINfU/XaQ51i"
    "NyFsgmFb//QYp1c46+Ihz+XD1pDzoy5ql71uf02l655ryuvLK+6Vx5DenVptrMMtylGTde"
    "vToLy4xa6/7tPyIT2dBB9PSO7dLbp3cXPGz4RP6dxk38W0zIzNEDdA0n8bhTLS5TNG04mm"
    "i3vYmmKQIAzSyTgktuFXtP/0hv4duT49PvT3/47vz0B9LEu82o5Ps3/9IxML6gB89worx5"
    "9dCBfgsP4xhU6GRBvSTYOPoS8ZH1JRhk54HI+/CAxTlEtQjosGA/SBfAOOlf924n6vUNPf"
    "0S4z8NDyZ10qM1J17pK1P67vwbWm6R98R/h6KTgM/9yU+A/gS/jYY9D00LO4+2d8W43eQ3"
    "hd4TdB1LM60XDc6TQIbFYRFpmujVmff0mZ69WEA7p1cjCaZnCUT19GU8UuzitVnCr5qBzE"
    "dnQX6enxZ07id1fPGTOn53fsp02DCoOfGq3liALVsTGpGSIuvHJQ7GwcvQGIhrGZlYSNES"
    "6oag4ibFKmlv05BNKe/JWRntJa1y1derS4M9s5YraL6KaXBaaEs6fHiTa4wqdqf/RTPHx0"
    "RAh1m5Fg7B352UUOLvTnJ1mFbxwRZS4bSQHIazOjxHDhlKcRbT/9yOhnxQEyKsWajPHPA/"
    "YOi4DLKVNFj514NresYLmLq64egmfk8v+29l93YihShlIob6++5a/ZVV7YvBqMvafvQEXd"
    "Ih1Ad6eEoY7LRgCmdPL9Cea5ka68TKa5utWp4s2RJowkcPXvrE9Pki99BZTKwnZCpc3zGs"
    "PCp2HZ0FcffCdus8R0UFUwRtZANPBrxTb/rfAMsGEExt6wWTCowwpt39Ds6Xugnu+t/8CC"
    "zTeAW6g8EC4gXQMcDEKkDz9wrTpVs4vfRom+XReh2r0Y4SmYLTUvVMwPuFecse0BN5LBGA"
    "w/YttG2Oz0uAe8zyATG4tIoxz7H9oGE0sxGHnsnHmBFrny9UvxoTrCgWmjgPlpbcDR+2W+"
    "jJA85HZOYLtOJACLJAgQv5MfR1pZOzVej1tKRkQZvMgrrEnBNzDxMSlXzDxr3CNdhaGV8k"
    "DXAW3StiGuuP5s/o1QO5T+4ImjMesRF4EnfBaQ4M3LdQe8LS+FW14Utk7ieVijw7eWLk+P"
    "O4enuhXvaUt/04dxfIdvQHfQa9u8m4d8nqoyIHb8Y0lLHBQ3q7jwo8qWdk+x1L7ovANxfi"
    "NLnC0q9aa5AaCNoEDs37LYA3K9dCP+vkw4cykZAPH/IjIbSOj7dw4Ckj2EbEtxN7cm1Mhn"
    "ndMYQ0nJVrI97b0PAwbCc6orBy7aMTtgq3YT1aWbi7ugnt12LAQ0kG8Omrg/DhQV6AcDcI"
    "gUTOJMG12x+q4y9RwCTyKAej4ccuJ2TS/TLpqUwX6Bi7lTidlGALKZ02efcOWq4MAr1GLE"
    "3MzXbKdQB4otLf5wSDV/MHsSEsEKg4cjUNzj0MXXgBT87ORabpWGJbBlGb3Ctk2pZhLJEp"
    "mDiSkatnvDh4/mCjTAVet2T7ZGSiiUX+lGQTe6lTHVSHlGUUM8pYglfcjCtcWPqMTxP6NU"
    "eFDGHcplZy8HeFlOAob9nCunf8hyQN90gaRt1QHtqkiDTDOGaYg75yxsUJKc2zb79WTwBo"
    "GphFPkvv10nKCMvk26VssLA5m4THOo8ESdtGMw7kXcsyEDTznMekIGsCE8ltgR+V7NgEHo"
    "0GKfS7fRbeu+tub/zu2OsK0kj3J6isgofjuJhNxkjJoWN9xDY5YW4Ytf0lcaoDA7msncUo"
    "WKOitz5XyDXJgqpimyzRSEZsD+ntLjK+RCn+eoOFDYrLbidUKMzoSyZ/QzqMAqi5q3nFHE"
    "2OeA2s/uF0y8GR+jIdN3+Aa1c6rgBxmLBw0HKKbM7itG4gePXzGBkwh0wQSzds5luesVnf"
    "tmtl0pQLvpHp1ayxMaM20sRsi4kpnLYj83UEzczknWVwzif9GLE2ZOvsmvrDDnRczuxClb"
    "tnussMM5IOxEbSu9N05XKsXk0UMfx9oQ7w/t2bN3fdQf/2p95lB0SH9yZFs/+JFoZHSoUX"
    "ZAtL46SF+A+xEFOJKO7U0PGiUr+zstIDbLIHCO3ZQn+u1NGMqOznJvdzOBpPRTchYuXkJi"
    "6cTVzcleGtyCKetG0txRDmC0uY1wbXYtWsIbzWLpbiiImsZd7iVGyN3AUY3g0GSpFS14Bx"
    "TGK0E2X+m5wDdRn+LU4825CD2yxJr6HwM+vKMCYNNoNp4J2kTRBtk61MKBWHsUyrXD5rmU"
    "5FrTtjMVg1qBxF9KhMV9wnnYlJJ8xy+MwSlE8k3WRykwzyg6sOoH/vTfX2tv9x6PE6wZHk"
    "dRo+mLaY16FpSNQUqdTvjKz095vs70OMiW1eweHPCkpXNOvxN3dD5wOH1dtzQBDVhIxMSu"
    "agGm6dIQRrWkjiup6PSvgauyGjmoZvWZ4krVr8NO/sqLBLAupQkU2NhSlgx8SiGPcvJkqe"
    "lSA51DXYZg2jEiRqIu9/Y92NztROfNPWUY7ylmFNV7ZFLelauMCbxLlaMmaIcYIJVU5vPM"
    "hHNlw8vh5fZsPDduj0myCFGhDOHPo0pqLzqVMjblMzbRrPuHKZ9w5NdrnMe5duUf6W+uuZ"
    "6EPYXl/51L/sjTrA+3dvjnvqZX/4sQOCg3tTvZj0P/UnXzogPLo3f7nr/9YB9G8zeGqZ/7"
    "z1/GfX9neNxYhcfM4xm64MC+Ymr2SFGeAfqPTBTvE8oC9Hd91BD9yMexf9237wDaKI/fUq"
    "aVG8Ap+8cQMG9Wd9jizNtYX2QE0JtSHjPKPeJfW7UMEzGj615hwPLD+1P2zfBoR3ndO/om"
    "6y+ajhGXFwtRWyZ9xNpvKtljx5SZdnLRj69kCHbq/ISxDKxZgVk9DKSMR+MjglsRvqUGVi"
    "t8TGKNn9aDbkxlq4F81WM+UYLjGX7kmyjetoHy1Jc9bN/6ST8gKeSTJAe82cO7zFkv2hdj"
    "MefRz3bm8VMdSJwXnxM02a8//fm+ontT9QiWPVAdHhvZm4QAckftybF6Prm0FvQk8RHTaD"
    "0HiBzowujsMryBuG8z/7mxFsxsd/6fUO+uO/aavvGdkU4wpUCEe2IhNSqW8+vP+w+06ogw"
    "kxIHY0G60s26my5VBGWuYlNjkvcUosx8rkAF9Yuq9Z9zV07zUXI6HsT1Zud27stoavuqFF"
    "X8nJq9AuWUEJLgsusVPtaunpaUm5LKEps0KZZQnVdxyUmw02opNLTf1y8ck/pacb9tWXfQ"
    "/ctafze/yfYDZ/Qkaiuj40UfSFHOHwRCuX3x9V+0pOVpNrALh1C/dZcFPv7wa50flui1j8"
    "R/9L9c/UIsy3GgKKQmac4E8ynJYf9kl+S6L+bRLC90fm++5wTpf5vjv9uqZtBQNW2USwWK"
    "IVyaS7zgVbkrvXidumQRO/8PcRL/rAE09cfuZJ4DNP0lGoaxgpXPUrbdhNbVihHCb/85Yb"
    "WrDxdzRbAvaWjdfY3ufaryl3oMiE1f8KAyDbMGOTKVGmS79dIc3Y/X4gy++E8sDGAnLu4Y"
    "XHKgbO64mZtx1duvaAFy0vtFJjoR3apvtxEmo0TXM9gvz8t3wvYE+Zb/Syrcl8w+50qTsV"
    "Q++MbAuD722KzoVWkphjyEjJCWS9a5i/EUlF57CFu5EcMU4io2ZN+gbwmKB9Ybmm47kbGS"
    "8oWX1U5AXRXiNAxC3XeUHKlU567NsX0nXWCwgkMdBNQFwfQI3vKaRi2AIYPROtMMCLZT/R"
    "NngBbQQsE5HZkYzR7xWms2o+Ndcre0Lealr/GpqXpyXdsr26ZUGPZBeS8GENmreCA9/Bhg"
    "opRRc0pVhZaUo12pTyBkyBASpqLzN/ubbTfiZ2b99Czowe7meYP5W7uOQULkRkyrlxj3Mj"
    "WkJdaFOWSKCe+XG/4KZnx7PTMrPj2Wn+7Ejr0rOj918A3rC9tD7KWR+UjyQm+lxbQLwQAT"
    "oj2EbEz85KafRZgUafsYjDmTet+0BxAV+/Pps9R5OxJ4PoZf9T//JOHdBV1+Hxvdm7vhmM"
    "vvR6HRAese5mmT6qf8m1beVtIbe+Y0LZHS6bH/TU8bA3FmSWQ7EOCA78RfDq8IumXl73h/"
    "5C+OjnvUls3yv6mRr6rxn9JL9Jkw99exd/yU9p7GarJbkReahEu9qI3LGe0KZbLamus5jQ"
    "8xzgoJWbq8RfKya/cbnjtK7PurOYE9U3k3uxc3gQbrujIl7kJZTQmF3j18c6Pi+gA3QMDP"
    "TgAOsBQGCjpfWM5iBxqg5ApuU+LoBjAT8vwJunLsfq5+ERMC1nQcAGK2Rjy4RGNuqxrYtI"
    "MqdZZM4zsv3OpFsUz4ieijjEXOHWkTznZTie83yK5zzD8OAFPDk7F0E6ltiWm9UmfHWM3U"
    "peUkqwhU7SgThFpSJL8Qwq3s+srOzqxnV1QyJfKpniZguezRfUFFp5MG4j418tMpkwd+Fp"
    "oaGE+a5Zo3jrRsUMyEslgHDQvIXoHpeKgR0XxMCOszEwckWHu0AiP7s8IbL77PL9TJS15Z"
    "HvdTJ7+z8fxGhQ"
)
