export { SesEmailSender, toEmailError, toSendEmailInput, type SesEmailSenderOptions } from './SesEmailSender';
