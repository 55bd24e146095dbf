// SMTP through nodemailer. One transport per process; the delivery job retries on any failure.
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailerOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465 style); otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /** Socket/greeting timeout in ms. Default 15000. */
  timeoutMs?: number;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(m: MailMessage): Promise<void>;
  close(): void;
}

export function createMailer(o: MailerOptions): Mailer {
  const timeout = o.timeoutMs ?? 15_000;
  const transport: Transporter = nodemailer.createTransport({
    host: o.host,
    port: o.port,
    secure: o.secure,
    auth: o.user ? { user: o.user, pass: o.password ?? '' } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // nodemailer's own logger would print envelopes (addresses): keep it off.
    logger: false,
  });
  return {
    async send(m) {
      await transport.sendMail({ from: o.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
    },
    close() {
      transport.close();
    },
  };
}
